"""The economics commands through Typer's runner, on a hand-made warehouse file.

Ten persons (born 1995-06-01, Viborg) on uddannelseshjælp (uddannelsesparat, youth group 2) in
January 2016 (weeks 2016U01–U04, the four weeks whose Thursday is in January); persons 1–8 again
in January 2017 (2017U01–U04). Population aged 20 in 2016K1: 100; aged 21 in 2017K1: 120.

- fte January 2016 = 10 (10 persons × 4 of 4 weeks); January 2017 = 8.
- Baseline share 10 / 100 = 10 %; counterfactual 10 % × 120 = 12; avoided 12 − 8 = 4;
  at 67,772 kr.: 4 × 67,772 = 271,088 kr.
- Ladder: the 48-week gap (2016U05–U52) does not restart it, so 2017's weeks are ladder weeks
  5–8 at 40 % refund. The shipped rate for 2017 is 2016's (no 2017 row): 6,010 kr/md =
  6,010 × 12 / 52 kr. a week; net per full-time person a year = 6,010 × 12 × 0.6 = 43,272 kr.
  So the actual mix gives 4 × 43,272 = 173,088 kr.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ungeindsats.cli import app
from ungeindsats.warehouse import Warehouse

UDD = 140


@pytest.fixture
def data_dir(tmp_path: Path, make_warehouse: Callable[..., Warehouse]) -> Path:
    spells = [(p, UDD, (2016, 1), (2016, 4)) for p in range(1, 11)]
    spells += [(p, UDD, (2017, 1), (2017, 4)) for p in range(1, 9)]
    wh = make_warehouse(
        spells,
        population=[(791, 2016, 1, 20, 100), (791, 2017, 1, 21, 120)],
        path=tmp_path / "warehouse.duckdb",
    )
    wh.close()
    return tmp_path


def _run(data_dir: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["--data-dir", str(data_dir), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_savings_with_a_unit_cost(data_dir: Path) -> None:
    out = _run(
        data_dir,
        "savings",
        "--kommune",
        "791",
        "--baseline",
        "2016M01",
        "--period",
        "2017M01",
        "--unit-cost",
        "67772",
        "--format",
        "csv",
    )
    lines = out.splitlines()
    assert lines[0] == "municipality;step;value"
    assert "791;5. Forventet uden ændring;12,0000" in lines
    assert "791;6. Undgåede fuldtidspersoner;4,0000" in lines
    assert "791;7. Besparelse, mindst;271.088,0000" in lines
    assert "791;8. Besparelse, med den faktiske ydelsesfordeling;173.088,0000" in lines


def test_net_cost_by_youth_group(data_dir: Path) -> None:
    out = _run(data_dir, "economics", "net-cost", "--year", "2017", "--format", "csv")
    # Viborg and the country alike: group 2 at 43,272 kr. per full-time person a year.
    assert "791;2017;2;43.272,0000" in out.splitlines()
    assert "0;2017;2;43.272,0000" in out.splitlines()


def test_outputs_pass_disclosure(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNGEINDSATS_DISCLOSURE_MIN_PERSONS", "9")
    out = _run(
        data_dir,
        "economics",
        "saving",
        "--baseline",
        "2016M01",
        "--period",
        "2017M01",
        "--unit-cost",
        "67772",
        "--format",
        "csv",
    )
    # 10 persons in 2016 stay visible; everything resting on the 8 of 2017 is hidden.
    assert "791;1. Fuldtidspersoner 2016M01;10,0000" in out.splitlines()
    assert "791;6. Undgåede fuldtidspersoner;<9" in out.splitlines()


def test_business_case(tmp_path: Path) -> None:
    """The hand-worked case of test_business_case.py: net present value 46,967.96, break-even
    in year 2."""
    case = tmp_path / "case.yaml"
    case.write_text(
        "titel: Mentor\nengangsinvestering: 100000\naarlig_udgift: 50000\n"
        "effekt_fuldtidspersoner: 2\nfastholdelse: [1.0, 1.0, 0.5]\n"
        "enhedspriser: {kommune: 60000, stat: 20000}\nhorisont: 3\nrealiseret: [1.9]\n",
        encoding="utf-8",
    )
    out = _run(tmp_path, "business-case", str(case), "--format", "json")
    assert '"break_even_aar": 2' in out
    assert '"nutidsvaerdi": 46967.95' in out
    table = _run(tmp_path, "economics", "business-case", str(case))
    assert "Break-even: år 2" in table and "på sporet" in table


def test_a_bad_case_file_is_a_danish_error(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text("titel: x\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["--data-dir", str(tmp_path), "business-case", str(case)])
    assert result.exit_code == 1
    assert "case.yaml, kolonne 'effekt_fuldtidspersoner': mangler" in result.stderr


def test_potential() -> None:
    result = CliRunner().invoke(
        app, ["economics", "potential", "--gap", "150", "--unit-cost", "67772"]
    )
    assert result.exit_code == 0, result.output
    assert "10,2 mio. kr. om året" in result.stdout


def test_long_term(tmp_path: Path, make_warehouse: Callable[..., Warehouse]) -> None:
    """Six persons born 1994-01-15 (aged 25 in 2019), all ages 18–23 inside the data (the first
    spell starts 2012U01). Weeks at 18–23 / in 2019: 0/0 (person 1 has only a job), 10/5, 20/5,
    30/20, 0/2, 40/20: slope 0.5125 (worked out in test_longterm.py); with 52,000 kr. a year
    (1,000 a week) over 10 years at 3.5 % one avoided week is worth 0.5125 × 1,000 ×
    Σ 1.035^−k (k = 0..9) = 512.5 × 8.60769 = 4,411.44 kr."""
    from datetime import date

    spells = [
        (1, 981, (2012, 1), (2012, 10)),
        (2, UDD, (2014, 1), (2014, 10)),
        (2, UDD, (2019, 1), (2019, 5)),
        (3, UDD, (2014, 1), (2014, 20)),
        (3, UDD, (2019, 10), (2019, 14)),
        (4, UDD, (2015, 1), (2015, 30)),
        (4, UDD, (2019, 1), (2019, 20)),
        (5, UDD, (2019, 30), (2019, 31)),
        (6, UDD, (2013, 1), (2013, 40)),
        (6, UDD, (2019, 21), (2019, 40)),
    ]
    born = {p: date(1994, 1, 15) for p in range(1, 7)}
    make_warehouse(spells, born=born, path=tmp_path / "warehouse.duckdb").close()
    out = _run(
        tmp_path,
        "economics",
        "long-term",
        "--year",
        "2019",
        "--unit-cost",
        "52000",
        "--format",
        "csv",
    )
    lines = out.splitlines()
    assert "0;1. Ekstra uger på ydelse nu pr. uge på ydelse som 18-23-årig;0,5125" in lines
    assert "0;6. Værdi af én undgået uge, kr. (10 år, 3,5 %);4.411,4393" in lines
