"""Indicator results for the dashboard: from the precomputed layer where it holds the figure,
otherwise computed by the indicator itself.

Both paths give the same ``Result`` (the layer never computes anything of its own, see
``ungeindsats.indicators.precompute``), so a page cannot tell which one answered except by speed.
"""

from __future__ import annotations

import pyarrow as pa

from ungeindsats.indicators import Query, Result, get_indicator
from ungeindsats.indicators.precompute import (
    CACHED_BREAKDOWNS,
    AnswerLayer,
    CacheError,
    LayerState,
    read_cached,
)
from ungeindsats.indicators.precompute import layer_result as whole_answer
from ungeindsats.warehouse import Warehouse


def _cacheable(query: Query) -> bool:
    """The layer holds the indicator's own age band, months, and at most one breakdown;
    a filter can be applied to the cached cells only when it is on that breakdown."""
    if query.ages is not None or len(query.by) > 1:
        return False
    if query.by and query.by[0] not in CACHED_BREAKDOWNS:
        return False
    if any(name not in query.by for name in query.filters):
        return False
    return all(p.kind == "month" for p in query.periods)


def layer_result(
    warehouse: Warehouse, name: str, query: Query, layer: LayerState | None = None
) -> Result | None:
    """The indicator ``name`` for ``query`` read from the layer, or None when the layer cannot
    answer (``layer``: its state as this connection found it, ``DashboardData.reading``; else
    read now)."""
    item = get_indicator(name)
    if not _cacheable(query):
        return None
    rows = []
    by = query.by[0] if query.by else ""
    wanted = query.filters.get(by, ()) if by else ()
    try:
        for code in query.municipalities:
            for period in query.periods:
                for row in read_cached(warehouse, name, code, period, by or None, layer=layer):
                    if wanted and row[by] not in wanted:
                        continue
                    rows.append(row)
    except CacheError:
        return None
    return Result(item, query, _table(rows, query), "nøgletalslaget")


def indicator_result(
    warehouse: Warehouse,
    name: str,
    query: Query,
    layer: LayerState | None = None,
    answers: AnswerLayer | None = None,
) -> Result:
    """The indicator ``name`` for ``query``, read from the layer when it can answer: from the
    dashboard's jobs, else, given ``answers`` (``answer_layer``), from the whole answers the
    report reads too (a group page's one youth group by benefit, last year's flows); else
    computed by the indicator."""
    found = layer_result(warehouse, name, query, layer)
    if found is None and answers is not None:
        found = whole_answer(warehouse, answers, name, query)
    return found if found is not None else get_indicator(name)(warehouse, query)


def _table(rows: list[dict[str, object]], query: Query) -> pa.Table:
    columns = ["municipality", "period", *query.by, "value", "persons"]
    return pa.table(
        {
            "municipality": pa.array([r["municipality"] for r in rows], pa.int16()),
            "period": pa.array([r["period"] for r in rows], pa.string()),
            **{b: pa.array([r[b] for r in rows], pa.string()) for b in query.by},
            "value": pa.array([r["value"] for r in rows], pa.float64()),
            "persons": pa.array([r["persons"] for r in rows], pa.int64()),
        }
    ).select(columns)
