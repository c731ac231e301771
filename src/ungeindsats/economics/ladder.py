"""Where each person stands on the refund ladder (refusionstrappen), week by week, in SQL.

The law: lov nr. 994 af 30. august 2015 om kommunernes finansiering af visse offentlige ydelser
udbetalt af kommunerne, Udbetaling Danmark og arbejdsløshedskasserne (refusionsreformen, in force
4 January 2016).

- § 5: the refund (or co-financing) share follows the person's total weeks on public support
  ("samlet varighed"), whatever the benefit; the steps are ``classifications/refund_ladder.csv``.
- § 6: the count starts again when the person, after the first week with benefits, has had 52
  whole calendar weeks of self-support (selvforsørgelse) in total within the last 3 years.
  Self-support is any week without public support (education and ordinary work included).
- § 30: at the law's entry into force, weeks with benefits or self-support from 1 July 2014 count.

In the weekly codes a week on public support is a week with a ``public_support`` code. Runs are
maximal stretches of such weeks; the gap before a run is self-support. At the end of a gap the
self-supporting weeks in the last ``reset_window_weeks`` are at their highest (each gap week adds
one, at most one drops out), so the count restarts before a run when, at the end of the gap
before it, the self-supporting weeks since the last restart within the window reach
``reset_weeks``. A gap of ``reset_weeks`` or more restarts the count outright. Known
simplification: after a restart caused by several short gaps together, a later window may still
count gaps from before that restart (only restarts by one long gap clear the tally), so a second
restart within three years can come early; see docs/economics.md.

Everything is set-based SQL with window functions (portable: no DuckDB-only construct).
"""

from __future__ import annotations

from dataclasses import dataclass

from ungeindsats.periods import iso_week_number
from ungeindsats.warehouse import Warehouse

LAW = (
    "Lov nr. 994 af 30. august 2015 om kommunernes finansiering af visse offentlige ydelser "
    "udbetalt af kommunerne, Udbetaling Danmark og arbejdsløshedskasserne (refusionsreformen)"
)


@dataclass(frozen=True)
class LadderRules:
    """When weeks start counting, when the ladder is in force, and when it restarts (§§ 5, 6, 30).

    Weeks are the warehouse's week numbers. Defaults: counting from the ISO week that holds
    1 July 2014 (§ 30), priced on the ladder from 4 January 2016 (2016U01, § 29), restart after
    52 self-supporting weeks within 156 weeks (3 years, § 6).
    """

    count_from_week: int = iso_week_number(2014, 27)
    in_force_week: int = iso_week_number(2016, 1)
    reset_weeks: int = 52
    reset_window_weeks: int = 156


def ladder_spells_sql(rules: LadderRules) -> tuple[str, list[object]]:
    """A query: every public-support spell (clipped to the counting start) with ``position``,
    the person's ladder week in the spell's first week (1 = the first week on support).

    The self-supporting weeks in the window before a run are a sum over a RANGE frame of the
    gaps ending in the window, less the part of the earliest one that starts before the window
    (gaps are disjoint, so only that one can straddle its start)."""
    restart = int(rules.reset_weeks)
    window = int(rules.reset_window_weeks)
    sql = f"""
WITH support AS (
    SELECT s.person_id, s.code, greatest(s.first_week, ?) AS first_week, s.last_week
    FROM status_spell AS s JOIN code_dim AS c ON c.code = s.code
    WHERE c.category = 'public_support' AND s.last_week >= ?
),
ordered AS (
    SELECT *, max(last_week) OVER (
        PARTITION BY person_id ORDER BY first_week, last_week
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS previous_end
    FROM support
),
numbered AS (
    SELECT *, sum(CASE WHEN previous_end IS NULL OR first_week > previous_end + 1
                       THEN 1 ELSE 0 END) OVER (
        PARTITION BY person_id ORDER BY first_week, last_week ROWS UNBOUNDED PRECEDING) AS run_no
    FROM ordered
),
runs AS (
    SELECT person_id, run_no, min(first_week) AS first_week, max(last_week) AS last_week
    FROM numbered GROUP BY person_id, run_no
),
gaps AS (
    SELECT *, first_week - 1 AS gap_last,
           first_week - 1 - lag(last_week) OVER (PARTITION BY person_id ORDER BY run_no)
               AS gap_weeks
    FROM runs
),
segments AS (
    SELECT *,
           CASE WHEN gap_weeks >= {restart} THEN 1 ELSE 0 END AS long_gap,
           sum(CASE WHEN gap_weeks >= {restart} THEN 1 ELSE 0 END) OVER (
               PARTITION BY person_id ORDER BY run_no ROWS UNBOUNDED PRECEDING) AS segment,
           CASE WHEN gap_weeks IS NULL OR gap_weeks >= {restart} THEN 0 ELSE gap_weeks END
               AS short_weeks,
           CASE WHEN gap_weeks IS NULL OR gap_weeks >= {restart} THEN first_week
                ELSE first_week - gap_weeks END AS short_first
    FROM gaps
),
windowed AS (
    SELECT *,
           sum(short_weeks) OVER recent
           - greatest(0, gap_last - {window} + 1 - first_value(short_first) OVER recent)
               AS self_support
    FROM segments
    WINDOW recent AS (PARTITION BY person_id, segment ORDER BY gap_last
                      RANGE BETWEEN {window - 1} PRECEDING AND CURRENT ROW)
),
episodes AS (
    SELECT *, sum(CASE WHEN long_gap = 1 OR (gap_weeks IS NOT NULL AND self_support >= {restart})
                       THEN 1 ELSE 0 END) OVER (
        PARTITION BY person_id ORDER BY run_no ROWS UNBOUNDED PRECEDING) AS episode
    FROM windowed
),
counted AS (
    SELECT person_id, run_no, first_week,
           coalesce(sum(last_week - first_week + 1) OVER (
               PARTITION BY person_id, episode ORDER BY run_no
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS weeks_before
    FROM episodes
)
SELECT n.person_id, n.code, n.first_week, n.last_week,
       CAST(c.weeks_before + (n.first_week - c.first_week) + 1 AS INTEGER) AS position
FROM numbered AS n
JOIN counted AS c ON c.person_id = n.person_id AND c.run_no = n.run_no
"""
    return sql, [rules.count_from_week, rules.count_from_week]


def configured_rules(count_from: str, restart_weeks: int, window_weeks: int) -> LadderRules:
    """The rules from the settings (``refund_count_from`` as an ISO week such as 2014U27)."""
    from ungeindsats.periods import parse_period

    start = parse_period(count_from)
    if start.kind != "week":
        raise ValueError(f"refund_count_from skal være en uge som 2014U27, fik {count_from!r}")
    if restart_weeks < 1 or window_weeks < restart_weeks:
        raise ValueError("refund_restart_window_weeks skal være mindst refund_restart_weeks (≥ 1)")
    return LadderRules(
        count_from_week=start.first_week, reset_weeks=restart_weeks, reset_window_weeks=window_weeks
    )


LADDER_TABLE = "economics_ladder"
"""Derived table: every public-support spell with its ladder position (``ladder_spells_sql``)."""


def ensure_ladder(warehouse: Warehouse, rules: LadderRules) -> str:
    """Build the ladder table unless it is there for these rules and the latest import
    (recorded in ``derived_meta``, which the facts create); return its name. The positions
    depend on each person's whole history, so they are computed once and reused."""
    key = f"{LADDER_TABLE} {rules.count_from_week}/{rules.reset_weeks}/{rules.reset_window_weeks}"
    con = warehouse.con
    [(built, latest)] = con.execute(
        "SELECT (SELECT last_import_id FROM derived_meta WHERE name = ?), "
        "(SELECT coalesce(max(import_id), 0) FROM import_log)",
        [key],
    ).fetchall()
    if built is not None and built == latest and LADDER_TABLE in warehouse.table_names():
        return LADDER_TABLE
    sql, params = ladder_spells_sql(rules)
    with warehouse.transaction() as tx:
        tx.execute(f"CREATE OR REPLACE TABLE {LADDER_TABLE} AS {sql}", params)
        tx.execute("DELETE FROM derived_meta WHERE name LIKE ?", [f"{LADDER_TABLE} %"])
        tx.execute("INSERT INTO derived_meta VALUES (?, ?, now())", [key, latest])
    return LADDER_TABLE
