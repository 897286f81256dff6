"""Logging in from a browser: ``/login`` (a form), ``/logout``, and who is reading a page.

The form calls the same ``users.login`` as ``POST /api/login`` (so a browser login also
retires the user's earlier token) and keeps the token in an HttpOnly, SameSite=Lax cookie,
``orbit_token`` (Secure when the request came over HTTPS). Only the pages read that cookie:
the JSON API wants ``Authorization``, so no other site can make a browser change a schedule
with it. Without a user, a page redirects to /login unless ``--anonymous-read`` is on.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from . import users
from .deps import User, bearer_token, settings, store
from .render import render

router = APIRouter(include_in_schema=False)

COOKIE = "orbit_token"
LOGIN_FAILED = "Wrong user name or password."
MAX_FORM = 4096


class LoginRequired(Exception):
    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.target = target


def page_user(request: Request) -> User | None:
    """The user of the cookie (or an Authorization header); a retired token is nobody."""
    token = request.cookies.get(COOKIE) or bearer_token(request)
    if not token:
        return None
    with store(request).session() as session:
        return users.user_for_token(session, token)


def page_reader(request: Request) -> User | None:
    user = page_user(request)
    if user is None and not settings(request).anonymous_read:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return user


PageReader = Annotated[User | None, Depends(page_reader)]


def safe_next(target: str | None) -> str:
    """Only a path on this server: ``//evil.example`` or ``https://...`` is an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/runs"


def _to_login(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    return RedirectResponse(f"/login?next={quote(exc.target, safe='/')}", status_code=303)


def install(app: FastAPI) -> None:
    app.add_exception_handler(LoginRequired, _to_login)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html.j2", None, next=safe_next(next), error=None, name="")


@router.post("/login", response_class=HTMLResponse)
async def login_submit(request: Request) -> Response:
    body = await request.body()
    fields = parse_qs(body[:MAX_FORM].decode("utf-8", "replace"))
    name = (fields.get("name") or [""])[0].strip()[:100]
    password = (fields.get("password") or [""])[0][:1000]
    target = safe_next((fields.get("next") or [""])[0])
    token = await run_in_threadpool(_login, request, name, password) if name and password else None
    if token is None:
        page = render(request, "login.html.j2", None, next=target, error=LOGIN_FAILED, name=name)
        page.status_code = 401
        return page
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


def _login(request: Request, name: str, password: str) -> str | None:
    with store(request).begin() as session:
        return users.login(session, name, password)


@router.post("/logout")
def logout() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
