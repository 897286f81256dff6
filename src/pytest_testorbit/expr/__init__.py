"""The expression language of case files: sandboxed Jinja2 templates, JSONPath, matchers.

Leaf modules: they import nothing else of the package but ``errors``.
"""
