"""The audit log (revisionsspor): every change to steering data, with who, when, before, after."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.orm import Session

from ungeindsats.steering.models import AuditEntry, Base, utcnow

SECRET_COLUMNS = frozenset({"password_hash"})
"""Never copied into the audit log."""


def snapshot(row: Base) -> dict[str, Any]:
    """The row's column values as JSON-ready data (dates as ISO text; secrets left out)."""
    values: dict[str, Any] = {}
    for column in sa_inspect(row).mapper.column_attrs:
        if column.key in SECRET_COLUMNS:
            continue
        value = getattr(row, column.key)
        values[column.key] = value.isoformat() if isinstance(value, date | datetime) else value
    return values


def record(
    session: Session,
    who: str,
    action: str,
    entity: str,
    entity_id: object,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditEntry:
    """Write one audit entry in the caller's transaction (so it stands or falls with the change)."""
    entry = AuditEntry(
        at=utcnow(),
        who=who,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        before=before,
        after=after,
    )
    session.add(entry)
    return entry


def history(session: Session, entity: str, entity_id: object) -> list[AuditEntry]:
    """The audit entries of one row, oldest first."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id))
        .order_by(AuditEntry.id)
    )
    return list(session.scalars(query))
