"""Alembic environment: migrations run on the connection ``open_steering`` hands over."""

from alembic import context

from ungeindsats.steering.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
)
with context.begin_transaction():
    context.run_migrations()
