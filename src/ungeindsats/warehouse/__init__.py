"""The warehouse: one DuckDB file holding the canonical tables (docs/warehouse.md)."""

from ungeindsats.warehouse.connection import SCHEMA_VERSION, Warehouse, open_warehouse

__all__ = ["SCHEMA_VERSION", "Warehouse", "open_warehouse"]
