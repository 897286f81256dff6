"""``orbit serve``: the web service over the results store (the ``server`` extra).

``app.create_app`` builds the FastAPI application; ``deps`` holds what every endpoint asks
for (the store, the user behind a token, the read and membership rules); ``users`` the
users, passwords and tokens, shared with ``orbit user``. Nothing of the package imports this
layer but ``cli/``.
"""
