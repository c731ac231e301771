"""The dashboard's hold on the warehouse: one read-only connection, a cursor per thread, and
the pages built from it kept until the data change.

The warehouse only changes through imports and ``compute``, which need the file for writing;
while the dashboard holds it open for reading neither can run (DuckDB's file lock), so a built
page stays right for as long as the connection lives, and so does what the connection found when
it opened: the facts are current (else no connection), and the indicator layer's freshness and
coverage (``LayerState``, read once instead of before every read). ``reload`` drops the
connection and every page; the next request opens afresh and checks both again (after an import,
``ungeindsats serve`` is restarted).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from ungeindsats.disclosure import DisclosureRule
from ungeindsats.indicators.facts import facts_stale
from ungeindsats.indicators.precompute import LayerState, cache_stale, layer_state
from ungeindsats.periods import Period
from ungeindsats.settings import Settings
from ungeindsats.warehouse import Warehouse, open_warehouse
from ungeindsats.warehouse.status import WarehouseStatus, warehouse_status
from ungeindsats.web.panels import Page, build_page

T = TypeVar("T")

PAGE_CACHE_SIZE = 256
"""Built pages kept in memory (municipality × month × page); the oldest goes first."""


@dataclass(frozen=True)
class Freshness:
    """Whether the derived tables are up to date with the imports (the data page)."""

    facts_current: bool
    layer_current: bool


class NoWarehouse(RuntimeError):
    """The warehouse file does not exist yet (Danish message)."""


class DashboardData:
    """What the pages read, shared by every request of one app."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.rule = DisclosureRule(settings.disclosure_min_persons, settings.disclosure_marker)
        self._lock = threading.Lock()
        self._connection: Warehouse | None = None
        self._layer = LayerState("", {})
        self._local = threading.local()
        self._generation = 0
        self._cache: OrderedDict[tuple[object, ...], object] = OrderedDict()
        self._building: dict[tuple[object, ...], threading.Lock] = {}

    @property
    def path(self) -> Path:
        return self.settings.warehouse_file

    def warehouse(self) -> Warehouse:
        """This thread's cursor on the shared read-only connection (DuckDB cursors are one
        per thread)."""
        return self.reading()[0]

    def reading(self) -> tuple[Warehouse, LayerState]:
        """This thread's cursor and the indicator layer's state as the same connection found
        it when it opened."""
        with self._lock:
            if self._connection is None:
                if not self.path.exists():
                    raise NoWarehouse(
                        f"Lageret {self.path} findes ikke endnu: kør 'ungeindsats run' eller "
                        "indlæs data med 'ungeindsats import'."
                    )
                connection = open_warehouse(self.path, read_only=True)
                if facts_stale(connection):
                    connection.close()
                    raise NoWarehouse(
                        "Lagerets faktatabeller er ikke opdateret efter den seneste indlæsning "
                        "eller opdatering af programmet: kør 'ungeindsats compute' (eller "
                        "'ungeindsats run'), og start dashboardet igen."
                    )
                self._layer = layer_state(connection)
                self._connection = connection
                self._generation += 1
            connection, generation, layer = self._connection, self._generation, self._layer
        local = self._local
        if getattr(local, "generation", None) != generation:
            local.warehouse = Warehouse(connection.con.cursor(), connection.path)
            local.generation = generation
        warehouse: Warehouse = local.warehouse
        return warehouse, layer

    def is_open(self) -> bool:
        """Whether the connection is open (reading then starts without opening the file)."""
        return self._connection is not None

    def peek(self, key: tuple[object, ...]) -> object | None:
        """What ``remember`` keeps for ``key``, or None; never builds."""
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        return None

    def reload(self) -> None:
        """Forget the connection and every built page (the next request opens afresh)."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
            self._connection = None
            self._cache.clear()

    def close(self) -> None:
        self.reload()

    def remember(self, key: tuple[object, ...], build: Callable[[], T]) -> T:
        """Build once per key even when many requests ask at the same moment."""
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]  # type: ignore[return-value]
            building = self._building.setdefault(key, threading.Lock())
        with building:
            with self._lock:
                if key in self._cache:
                    return self._cache[key]  # type: ignore[return-value]
            value = build()
            with self._lock:
                self._cache[key] = value
                while len(self._cache) > PAGE_CACHE_SIZE:
                    self._cache.popitem(last=False)
                self._building.pop(key, None)
        return value

    def page(self, key: str, kommune: int, month: Period) -> Page:
        """An indicator page (``PAGES``), or the benchmark or economics page."""
        from ungeindsats.web.analysis_pages import benchmark_page, economics_page

        def build() -> Page:
            warehouse = self.warehouse()
            if key == "benchmark":
                return benchmark_page(warehouse, self.rule, kommune, month)
            if key == "oekonomi":
                return economics_page(warehouse, self.rule, kommune, month, self.settings)
            return build_page(warehouse, self.rule, key, kommune, month)

        return self.remember(("page", key, kommune, month.label()), build)

    def status(self) -> WarehouseStatus:
        """What the warehouse holds and its import log (the data's date on every page)."""
        return self.remember(("status",), lambda: warehouse_status(self.warehouse()))

    def cached(self, key: tuple[object, ...], build: Callable[[Warehouse], T]) -> T:
        """Any other derived object (benchmark, economics) kept like a page."""
        return self.remember(key, lambda: build(self.warehouse()))

    def freshness(self) -> Freshness:
        warehouse = self.warehouse()
        return Freshness(not facts_stale(warehouse), not cache_stale(warehouse))
