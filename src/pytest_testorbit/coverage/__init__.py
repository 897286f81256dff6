"""``orbit coverage --openapi SPEC``: which operations and response statuses a run exercised.

The store keeps each step's method, URL and status code, so coverage is computed from any
past run: nothing is recorded for it at run time.
"""
