"""``docs/indicators.md``, rendered from the registry so the documentation cannot drift.

Regenerate with ``.venv/bin/python -m ungeindsats.indicators.docs > docs/indicators.md``.
"""

from __future__ import annotations

from ungeindsats.indicators.model import all_indicators

INTRO = """# Nøgletal

<!-- Genereret af ungeindsats.indicators.docs ud fra registret; ret definitionerne i koden. -->

Hvert nøgletal er defineret ét sted i `src/ungeindsats/indicators/` og beregnes for en eller
flere kommuner (kode 0 eller 000 er hele landet) og en måned, et kvartal, et år eller et
interval af dem. Resultatet er en tabel med én række pr. kommune, periode og opdeling, med
værdien og antallet af forskellige personer bag cellen (som diskretioneringen bruger).
Eksempel: `ungeindsats indicator fte --kommune 791 --period 2019M02 --by youth_group --compare 000`.

Fælles regler: en uge hører til den måned, kvartal og år, dens torsdag ligger i; alder og
bopælskommune gælder den uge (alder på ugens torsdag); personer uden fødselsdato eller bopæl
tælles ikke. Ungegrupperne følger den konfigurerbare tabel i
`src/ungeindsats/classifications/youth_groups.csv`.

Nøgletalslaget (`ungeindsats compute`) holder hvert nøgletal for hele landet og hver kommune,
i alt og opdelt på ungegruppe, ydelse, aldersgruppe og køn, pr. måned; restgruppen og de
15-17-årige, som måles i én referenceuge om året, pr. år (de år, data dækker helt). Dashboardet
læser derfra; andre perioder og opdelinger beregnes direkte.
"""


def render_markdown() -> str:
    parts = [INTRO]
    for item in all_indicators():
        ages = f"{item.default_ages[0]}-{item.default_ages[1]} år"
        parts.append(
            f"## `{item.name}` – {item.label}\n\n"
            f"{item.definition}\n\n"
            f"- Enhed: {item.unit}\n"
            f"- Aldersgruppe som standard: {ages}\n"
            f"- Opdelinger: {', '.join(f'`{b}`' for b in item.breakdowns) or 'ingen'}\n"
            f"- I nøgletalslaget: {'pr. måned' if item.cadence == 'month' else 'pr. år'}\n"
            f"- Kilde: {item.source}\n"
        )
    return "\n".join(parts)


if __name__ == "__main__":
    print(render_markdown(), end="")
