"""The demo administrator ``make run`` creates so that a new user can log in at once."""

from __future__ import annotations

import secrets

from ungeindsats.settings import Settings
from ungeindsats.steering import add_user, list_users, open_steering

DEMO_ADMIN = "admin"


def ensure_demo_admin(settings: Settings) -> str | None:
    """Create the user ``admin`` with a random password when the steering database has no
    users at all, and return the password (to be shown once; only its hash is kept). None
    when there are users already: nobody's password is ever changed or shown again."""
    with open_steering(settings.steering_database_url) as db, db.begin() as session:
        if list_users(session):
            return None
        password = secrets.token_urlsafe(12)
        add_user(
            session,
            DEMO_ADMIN,
            password,
            "admin",
            who="ungeindsats run",
            display_name="Demoadministrator",
        )
    return password
