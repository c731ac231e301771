"""A small client for Danmarks Statistik's StatBank API (Statistikbanken, ``api.statbank.dk/v1``).

The API has four functions: ``subjects``, ``tables``, ``tableinfo`` and ``data``. Requests are
POSTed as a JSON object (UTF-8), as Danmarks Statistik recommends; ``data`` takes
``{"table", "format", "lang", "valuePresentation", "variables": [{"code", "values"}, ...]}``
and answers in the asked format: ``BULK`` (semicolon-separated and streamed, without a cell
limit: use it for large extracts), ``CSV`` (semicolon-separated, at most 1,000,000 cells) or
``JSONSTAT`` (JSON-stat 1.x). Every variable of a table must be given values; ``"*"`` means all.
On a bad request the API answers HTTP 400 with ``{"errorTypeCode": ..., "message": ...}`` (the
message in the request's language). Data are free to use with attribution (CC BY 4.0).

``fetch`` streams an answer to a file that the importers read (``population.import_population``
for FOLK1A); nothing here touches the warehouse.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Protocol

import httpx

from ungeindsats.ingest.errors import UserError

FOLK1A = "FOLK1A"
"""Population on the first day of the quarter by area, sex, age, civil status and time."""

Format = Literal["BULK", "CSV", "JSONSTAT"]
ValuePresentation = Literal["Code", "Value", "CodeAndValue", "Default"]

YOUTH_AGES = range(15, 30)
"""The ages the tool is about (15-29)."""


class StatBankSettings(Protocol):
    """What the client needs from ``ungeindsats.settings.Settings``."""

    @property
    def statbank_url(self) -> str: ...

    @property
    def http_timeout(self) -> float: ...


class StatBankError(UserError):
    """The StatBank API could not be reached or refused a request (message in Danish)."""


class StatBankClient:
    """Calls the StatBank API; ``transport`` lets tests or proxies replace httpx's default."""

    def __init__(
        self,
        base_url: str,
        timeout: float = 60.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(
            timeout=timeout,
            transport=transport,
            headers={"Accept-Charset": "utf-8"},
            follow_redirects=True,
        )

    @classmethod
    def from_settings(cls, settings: StatBankSettings) -> StatBankClient:
        """A client for ``settings.statbank_url`` with ``settings.http_timeout``."""
        return cls(settings.statbank_url, settings.http_timeout)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> StatBankClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def tableinfo(self, table: str, lang: str = "da") -> dict[str, Any]:
        """A table's metadata: ``id``, ``text``, ``updated``, ``variables`` (each with ``id``,
        ``text``, ``elimination``, ``time`` and ``values``: ``[{"id", "text"}, ...]``), ..."""
        body = {"table": table, "format": "JSON", "lang": lang}
        what = f"tabellen {table}s metadata"
        try:
            response = self._http.post(f"{self.base_url}/tableinfo", json=body)
        except httpx.HTTPError as exc:
            raise self._unreachable(what, exc) from exc
        if response.is_error:
            raise _refused(what, response.status_code, response.content)
        try:
            info = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise StatBankError(f"Danmarks Statistiks API svarede ikke med JSON på {what}") from exc
        if not isinstance(info, dict):
            raise StatBankError(f"Danmarks Statistiks API svarede uventet på {what}")
        return info

    def fetch(
        self,
        table: str,
        variables: Mapping[str, Sequence[str]],
        out: Path,
        *,
        fmt: Format = "BULK",
        lang: str = "da",
        value_presentation: ValuePresentation = "Code",
    ) -> Path:
        """Stream ``table`` with the chosen values to ``out``; returns ``out``.

        The answer is written to ``out`` with a ``.part`` suffix and renamed when complete, so a
        failed or interrupted download never leaves a file that looks whole.
        """
        body = data_request(
            table, variables, fmt=fmt, lang=lang, value_presentation=value_presentation
        )
        what = f"data fra tabellen {table}"
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(out.name + ".part")
        try:
            with self._http.stream("POST", f"{self.base_url}/data", json=body) as response:
                if response.is_error:
                    raise _refused(what, response.status_code, response.read())
                with partial.open("wb") as handle:
                    for block in response.iter_bytes():
                        handle.write(block)
        except httpx.HTTPError as exc:
            partial.unlink(missing_ok=True)
            raise self._unreachable(what, exc) from exc
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        os.replace(partial, out)
        return out

    def _unreachable(self, what: str, exc: httpx.HTTPError) -> StatBankError:
        if isinstance(exc, httpx.TimeoutException):
            reason = "svarede ikke i tide"
        elif isinstance(exc, httpx.ConnectError):
            reason = f"kunne ikke nås ({exc})"
        else:
            reason = f"afbrød overførslen ({type(exc).__name__}: {exc})"
        return StatBankError(
            f"Kunne ikke hente {what}: Danmarks Statistiks API på {self.base_url} {reason}."
        )


def _refused(what: str, status: int, content: bytes) -> StatBankError:
    """The API's own error text when it gives one (``{"errorTypeCode", "message"}``)."""
    text = content.decode("utf-8", errors="replace").strip()
    try:
        answer = json.loads(text)
    except json.JSONDecodeError:
        answer = None
    if isinstance(answer, dict) and answer.get("message"):
        code = answer.get("errorTypeCode")
        detail = f"{answer['message']}" + (f" ({code})" if code else "")
    else:
        detail = text[:300] or "intet svar"
    return StatBankError(
        f"Danmarks Statistiks API afviste forespørgslen på {what} (HTTP {status}): {detail}"
    )


def data_request(
    table: str,
    variables: Mapping[str, Sequence[str]],
    *,
    fmt: Format = "BULK",
    lang: str = "da",
    value_presentation: ValuePresentation = "Code",
) -> dict[str, Any]:
    """The JSON body the ``data`` function takes."""
    return {
        "table": table,
        "format": fmt,
        "lang": lang,
        "valuePresentation": value_presentation,
        "variables": [
            {"code": code, "values": [str(v) for v in values]} for code, values in variables.items()
        ],
    }


def folk1a_variables(
    areas: Iterable[int | str] | None = None,
    quarters: Iterable[str] | None = None,
    ages: Iterable[int] | None = YOUTH_AGES,
) -> dict[str, list[str]]:
    """The FOLK1A selection the population importer wants: men and women, single years of age,
    civil status in total.

    ``areas`` are municipality codes (None: every area; regions are left out at import),
    ``quarters`` are like ``2019K1`` or StatBank patterns (``2019*``, ``>=2019K1``; None: all),
    ``ages`` are single years (None: every age 0-125).
    """
    return {
        "OMRÅDE": ["*"] if areas is None else [_area_code(a) for a in areas],
        "KØN": ["1", "2"],
        "ALDER": ["*"] if ages is None else [str(a) for a in ages],
        "CIVILSTAND": ["TOT"],
        "Tid": ["*"] if quarters is None else [str(q) for q in quarters],
    }


def _area_code(area: int | str) -> str:
    # FOLK1A writes area codes with three digits: "000" is the country, "101" København.
    return f"{area:03d}" if isinstance(area, int) else area.strip()


__all__ = [
    "FOLK1A",
    "YOUTH_AGES",
    "Format",
    "StatBankClient",
    "StatBankError",
    "ValuePresentation",
    "data_request",
    "folk1a_variables",
]
