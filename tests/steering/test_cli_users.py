"""``ungeindsats users``: passwords from a confirmed prompt or stdin, never echoed or logged."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from ungeindsats.cli import app
from ungeindsats.steering import open_steering, verify_password

runner = CliRunner()


def test_users_add_passwd_remove(steering_url: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {"UNGEINDSATS_STEERING_URL": steering_url}
    base = ["--data-dir", str(data), "users"]

    added = runner.invoke(
        app, [*base, "add", "anna", "--role", "editor"], input="hemmeligt-1\nhemmeligt-1\n", env=env
    )
    assert added.exit_code == 0, added.output
    assert "hemmeligt-1" not in added.output  # the prompt hides what is typed
    assert "oprettet med rollen editor" in added.output

    mismatch = runner.invoke(
        app, [*base, "passwd", "anna"], input="nyt-kodeord-2\nandet-kodeord\n", env=env
    )
    assert mismatch.exit_code != 0  # the two entries differ; Typer asks again, input ends

    changed = runner.invoke(
        app, [*base, "passwd", "anna", "--password-stdin"], input="nyt-kodeord-2\n", env=env
    )
    assert changed.exit_code == 0, changed.output
    with open_steering(steering_url) as db, db.begin() as s:
        assert verify_password(s, "anna", "nyt-kodeord-2") is not None
        assert verify_password(s, "anna", "hemmeligt-1") is None

    short = runner.invoke(app, [*base, "add", "bo", "--password-stdin"], input="kort\n", env=env)
    assert short.exit_code == 1
    assert "mindst 8 tegn" in short.output

    listed = runner.invoke(app, [*base, "list"], env=env)
    assert "anna" in listed.output and "editor" in listed.output and "bo" not in listed.output

    removed = runner.invoke(app, [*base, "remove", "anna"], env=env)
    assert removed.exit_code == 0 and "slettet" in removed.output
    again = runner.invoke(app, [*base, "remove", "anna"], env=env)
    assert again.exit_code == 1 and "findes ikke" in again.output

    log = (data / "ungeindsats.log").read_text(encoding="utf-8")
    assert "hemmeligt-1" not in log and "nyt-kodeord-2" not in log and "kort" not in log
