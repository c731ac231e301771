"""User administration for admins (issue 9: the admin role manages users): list the users with
role and own interventions, create one, change a role, set a new password, deactivate or
reactivate, remove. The steering services (``ungeindsats.steering.users``, the same the CLI
``ungeindsats users`` calls) check every rule and write the audit entry; these handlers parse,
check the role and render. An admin cannot deactivate, remove or change the role of their own
user (the last admin could lock everybody out)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from ungeindsats.ingest.errors import UserError
from ungeindsats.steering import (
    SessionInfo,
    add_user,
    get_user,
    list_users,
    remove_user,
    set_password,
    update_user,
)
from ungeindsats.steering.models import ROLES
from ungeindsats.steering.plan import list_interventions
from ungeindsats.web.auth import ROLE_LABELS, SessionCache, require, transaction
from ungeindsats.web.render import render

router = APIRouter(include_in_schema=False)
Admin = Annotated[SessionInfo, Depends(require("admin"))]
Name = Annotated[str, Form(max_length=100)]
Password = Annotated[str, Form(max_length=1000)]


def _owned(session: Session) -> dict[int, list[str]]:
    """The numbers of the interventions each user owns, by user id."""
    owned: dict[int, list[str]] = {}
    for row in list_interventions(session):
        if row.owner_user_id is not None:
            owned.setdefault(row.owner_user_id, []).append(row.number)
    return owned


def _page(
    request: Request,
    info: SessionInfo,
    *,
    username: str | None = None,
    error: str = "",
    notice: str = "",
    status: int = 200,
) -> Response:
    """The list of users, or one user with the forms that change it."""
    with transaction(request) as session:
        users = list_users(session)
        owned = _owned(session)
    chosen = next((u for u in users if u.username == username), None)
    if username is not None and chosen is None:
        return render(
            request,
            "message.html",
            status_code=404,
            title="Findes ikke",
            heading="Brugeren findes ikke",
            lines=[f"Der er ingen bruger med navnet '{username}'."],
        )
    return render(
        request,
        "user.html" if chosen is not None else "users.html",
        status_code=status,
        title=f"Bruger {chosen.username}" if chosen is not None else "Brugere",
        users=users,
        chosen=chosen,
        own=chosen is not None and chosen.id == info.user.id,
        owned=owned,
        roles=[(role, ROLE_LABELS[role]) for role in reversed(ROLES)],
        role_labels=ROLE_LABELS,
        error=error,
        notice=notice,
    )


@router.get("/brugere")
def users_page(request: Request, info: Admin, besked: str = "") -> Response:
    return _page(request, info, notice=_NOTICES.get(besked, ""))


@router.get("/brugere/{username}")
def user_page(request: Request, username: str, info: Admin, besked: str = "") -> Response:
    return _page(request, info, username=username, notice=_NOTICES.get(besked, ""))


_NOTICES = {
    "oprettet": "Brugeren er oprettet.",
    "rolle": "Rollen er ændret.",
    "adgangskode": "Adgangskoden er skiftet, og brugeren er logget ud overalt.",
    "spaerret": "Brugeren er spærret og kan ikke logge ind.",
    "aktiv": "Brugeren kan logge ind igen.",
    "slettet": "Brugeren er slettet.",
}


def _change(
    request: Request,
    info: SessionInfo,
    username: str,
    notice: str,
    call: Callable[[Session], object],
) -> Response:
    """Run one steering service in one transaction; on a broken rule nothing is written and the
    page says why. Sessions of the changed user kept by this process are dropped."""
    try:
        with transaction(request) as session:
            target = get_user(session, username)
            if target is None:
                raise UserError(f"Brugeren '{username}' findes ikke.")
            call(session)
    except UserError as exc:
        return _page(request, info, username=username, error=str(exc), status=400)
    cache: SessionCache = request.app.state.sessions
    cache.forget_user(target.id)
    if notice == "slettet":
        return RedirectResponse(f"/brugere?besked={notice}", status_code=303)
    return RedirectResponse(f"/brugere/{quote(username)}?besked={notice}", status_code=303)


def _not_self(info: SessionInfo, username: str, what: str) -> None:
    if username == info.user.username:
        raise UserError(f"Du kan ikke {what} din egen bruger; bed en anden administrator om det.")


def _check_repeat(password: str, repeat: str) -> None:
    if password != repeat:
        raise UserError("De to adgangskoder er ikke ens.")


@router.post("/brugere")
def create_user(
    request: Request,
    info: Admin,
    username: Name,
    role: Annotated[str, Form(max_length=20)],
    password: Password,
    password_repeat: Password,
    display_name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """A new user with a role and a first password (the CLI's rules: ``add_user``)."""
    try:
        _check_repeat(password, password_repeat)
        with transaction(request) as session:
            add_user(
                session,
                username.strip(),
                password,
                role,
                who=info.user.username,
                display_name=display_name.strip() or None,
            )
    except UserError as exc:
        return _page(request, info, error=str(exc), status=400)
    return RedirectResponse("/brugere?besked=oprettet", status_code=303)


@router.post("/brugere/{username}/rolle")
def change_role(
    request: Request, username: str, info: Admin, role: Annotated[str, Form(max_length=20)]
) -> Response:
    def call(session: Session) -> None:
        _not_self(info, username, "ændre rollen for")
        update_user(session, username, who=info.user.username, role=role)

    return _change(request, info, username, "rolle", call)


@router.post("/brugere/{username}/adgangskode")
def reset_password(
    request: Request, username: str, info: Admin, password: Password, password_repeat: Password
) -> Response:
    """A new password (the user is logged out everywhere: ``set_password``)."""

    def call(session: Session) -> None:
        _check_repeat(password, password_repeat)
        set_password(session, username, password, who=info.user.username)

    return _change(request, info, username, "adgangskode", call)


@router.post("/brugere/{username}/spaer")
def deactivate(request: Request, username: str, info: Admin) -> Response:
    def call(session: Session) -> None:
        _not_self(info, username, "spærre")
        update_user(session, username, who=info.user.username, active=False)

    return _change(request, info, username, "spaerret", call)


@router.post("/brugere/{username}/aktiver")
def reactivate(request: Request, username: str, info: Admin) -> Response:
    def call(session: Session) -> None:
        update_user(session, username, who=info.user.username, active=True)

    return _change(request, info, username, "aktiv", call)


@router.post("/brugere/{username}/slet")
def delete(request: Request, username: str, info: Admin) -> Response:
    def call(session: Session) -> None:
        _not_self(info, username, "slette")
        remove_user(session, username, who=info.user.username)

    return _change(request, info, username, "slettet", call)
