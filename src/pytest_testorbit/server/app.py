"""The FastAPI application of ``orbit serve``: one store, the routers, the error shapes.

FastAPI (on Starlette) was chosen for its request models (pydantic, ``extra="forbid"``: an
unknown field is refused, not ignored) and the OpenAPI description it serves at ``/docs``
and ``/openapi.json`` for free; docs/server.md says so for users.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from .. import __version__
from .settings import ServerSettings

# The routers the app serves, in order. Each module has ``router`` (a fastapi.APIRouter).
ROUTERS = (
    "pytest_testorbit.server.auth_api",  # POST /api/login, /api/me, /api/users/...
    "pytest_testorbit.server.schedules_api",  # /api/schedules
    "pytest_testorbit.server.read_api",  # /api/runs, /api/groups/..., /api/flaky, ...
    "pytest_testorbit.server.badge",  # /badge/{project}.svg
    "pytest_testorbit.server.render",  # /static/...
    "pytest_testorbit.server.page_auth",  # /login, /logout
    "pytest_testorbit.server.pages",  # /runs, /runs/{id}, /groups/{id}, /flaky, /projects
)


def create_app(settings: ServerSettings) -> FastAPI:
    """The app over ``settings.db_url``; the store is opened (and migrated) here, at once,
    so a wrong URL is one error line from ``orbit serve`` instead of a failing first request."""
    from ..store import open_store
    from . import errors
    from .limits import BodyLimit
    from .page_auth import install as redirect_to_login
    from .projects import load_suites

    store = open_store(settings.db_url, auto_upgrade=settings.auto_upgrade)
    try:
        suites = load_suites(settings.suites)
    except BaseException:
        store.close()
        raise

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            store.close()

    app = FastAPI(
        title="pytest-testorbit",
        version=__version__,
        description="Runs, results and schedules of pytest-testorbit suites.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.suites = suites
    errors.install(app)
    redirect_to_login(app)  # a page without a user goes to /login, the API answers 401
    for name in ROUTERS:
        app.include_router(importlib.import_module(name).router)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    return app
