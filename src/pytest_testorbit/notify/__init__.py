"""Notifications after a scheduled run: e-mail to each owner, and the configured webhooks.

``dispatch.notify_run`` is the one entry point; ``message`` formats, ``email`` and
``webhooks`` deliver. Nothing here is imported by the pytest plugin.
"""
