from __future__ import annotations

from pathlib import Path

import pytest

from ungeindsats.classifications import YouthGroupMapping, youth_groups


@pytest.mark.parametrize(
    ("benefit", "target_group", "group"),
    [
        ("a_dagpenge", None, 1),
        ("sygedagpenge", None, 1),
        ("uddannelseshjaelp", "uddannelsesparat", 2),
        ("uddannelseshjaelp", "aabenlyst_uddannelsesparat", 1),
        ("uddannelseshjaelp", "aktivitetsparat", 3),
        ("uddannelseshjaelp", "2.13", 3),
        ("kontanthjaelp", "jobparat", 1),
        ("kontanthjaelp", "aktivitetsparat", 3),
        ("integrationsydelse", "uddannelsesparat", 2),
        ("ressourceforloeb", None, 3),
        ("jobafklaring", None, 3),
        ("foertidspension", None, 4),
        ("ledighedsydelse", None, 4),
    ],
)
def test_viborg_grouping(benefit: str, target_group: str | None, group: int) -> None:
    assert YouthGroupMapping.default().group_for(benefit, target_group) == group


def test_star_rule_matches_any_target_group() -> None:
    assert YouthGroupMapping.default().group_for("a_dagpenge", "2.1") == 1


def test_no_rule_gives_none() -> None:
    mapping = YouthGroupMapping.default()
    assert mapping.group_for("kontanthjaelp", None) is None
    assert mapping.group_for("revalidering", None) is None


def test_custom_file_overrides_one_rule(tmp_path: Path) -> None:
    """Jobparate kontanthjælp moved to group 2; the benefit's `*` rule stays the fallback."""
    path = tmp_path / "ungegrupper.csv"
    path.write_text(
        "# source: test\n"
        "benefit,target_group,youth_group\n"
        "kontanthjaelp,*,3\n"
        "kontanthjaelp,jobparat,2\n",
        encoding="utf-8",
    )
    mapping = YouthGroupMapping.from_file(path)
    assert mapping.group_for("kontanthjaelp", "jobparat") == 2
    assert mapping.group_for("kontanthjaelp", "aktivitetsparat") == 3
    assert mapping.group_for("a_dagpenge", None) is None
    assert len(mapping.rules) == 2


def test_duplicate_rule_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "ungegrupper.csv"
    path.write_text("benefit,target_group,youth_group\nfleksjob,*,4\nfleksjob,*,3\n")
    with pytest.raises(ValueError, match="Dobbelt regel"):
        YouthGroupMapping.from_file(path)


def test_youth_group_labels_and_age_bands() -> None:
    groups = youth_groups()
    assert [g.number for g in groups] == [0, 1, 2, 3, 4]
    assert (groups[0].age_min, groups[0].age_max, groups[0].temporary) == (15, 17, None)
    assert [(g.age_min, g.age_max) for g in groups[1:]] == [(18, 29)] * 4
    assert [g.temporary for g in groups[1:]] == [True, True, True, False]
