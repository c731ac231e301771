"""A small client for the Jobindsats API, version 2 (api.jobindsats.dk/v2).

What the API takes and answers, as public municipal client code uses it
(Randers-Kommune-Digitalisering/etl ``src/jobindsats/``, ``src/jobs/jobindsats.py``;
Randers-Kommune-Digitalisering/jobcenterindblik_jobindsats.dk ``node-red/flows_js``):

* The API key goes in the ``Authorization`` header, as the bare key. A rejected key may also come
  back as HTTP 200 with an object whose only key is the message ("Forkert nøgle eller nøglen er
  udløbet."); both are reported as a key problem.
* ``GET {base}/subjects/json`` and ``GET {base}/tables/json`` list subjects and tables.
* ``GET {base}/tables/{table}/json`` describes one table: a list whose first element holds, among
  others, ``Period`` (all periods: ``2024M01``, ``2024Q1``, ``2024QMAT02``, ``2024Y01`` …) and
  ``Area`` (area names, "Hele landet", RAR areas).
* ``POST {base}/data/{table}/json`` with a JSON body ``{"area": "*" | [names], "period": [...],
  "_dimension": [values], …}`` answers a list whose first element holds ``Variables`` (one
  ``{"Name", "Label"}`` per column: ``area``, ``period``, the dimensions, then the measures) and
  ``Data`` (rows). Table ids are written in lower case in these paths (``y38a02``; PTVA02 as
  ``ptv_a02``); this client sends the id in lower case as given.

``fetch`` saves the answer's bytes unchanged, so the file's hash identifies Jobindsats' delivery and
``import_jobindsats`` can read it (name the file after the table, e.g. ``Y38A02_2024.json``, or
give ``--table`` when importing). Errors are ``JobindsatsError`` in Danish; they never show the
key.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
from pydantic import SecretStr

from ungeindsats.ingest.errors import UserError
from ungeindsats.settings import Settings

KEY_SETTING = "jobindsats_api_key (miljøvariablen UNGEINDSATS_JOBINDSATS_API_KEY)"
_TABLE = re.compile(r"[A-Za-z0-9_]{2,20}")
_DIMENSION = re.compile(r"_[A-Za-z0-9_]+")


class JobindsatsError(UserError):
    """A call to the Jobindsats API that failed, said in Danish. Never contains the API key."""


class JobindsatsClient:
    """Talks to the Jobindsats API: lists tables, describes one, fetches data to a file."""

    def __init__(
        self,
        base_url: str,
        api_key: SecretStr | str | None,
        timeout: float = 60.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._key = SecretStr(api_key) if isinstance(api_key, str) else api_key
        self._timeout = timeout
        self._http = httpx.Client(
            base_url=self.base_url + "/",
            timeout=timeout,
            transport=transport,
            headers={"Accept": "application/json"},
        )

    @classmethod
    def from_settings(
        cls, settings: Settings, transport: httpx.BaseTransport | None = None
    ) -> JobindsatsClient:
        """A client with the address, key and timeout of ``settings``."""
        return cls(
            settings.jobindsats_url,
            settings.jobindsats_api_key,
            settings.http_timeout,
            transport=transport,
        )

    def __repr__(self) -> str:
        return f"JobindsatsClient({self.base_url!r})"

    def __enter__(self) -> JobindsatsClient:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def subjects(self) -> list[dict[str, Any]]:
        """The subjects (emner) of Jobindsats."""
        return _records(self._json(self._call("GET", "subjects/json")), "emner")

    def tables(self) -> list[dict[str, Any]]:
        """The tables (målinger) of Jobindsats, as the API lists them."""
        return _records(self._json(self._call("GET", "tables/json")), "tabeller")

    def table_info(self, table: str) -> dict[str, Any]:
        """One table's description: its periods (``Period``), areas (``Area``) and more."""
        answer = self._json(self._call("GET", f"tables/{_table_path(table)}/json", table=table))
        records = _records(answer, f"tabel {table}")
        if not records:
            raise JobindsatsError(f"Jobindsats sendte ingen beskrivelse af tabel {table}.")
        return records[0]

    def fetch(
        self,
        table: str,
        areas: Sequence[str] | str,
        periods: Sequence[str],
        out: Path,
        **dimensions: Sequence[str] | str,
    ) -> Path:
        """Fetch ``table`` for ``areas`` ("*" for all) and ``periods`` and save the answer.

        ``dimensions`` are the table's dimension selections by their API names, e.g.
        ``_viskat_2udh=["Uddannelsesparat", "Aktivitetsparat"]`` or ``_kon="*"``. ``out`` is the
        file to write, or a folder, in which case the file is named ``{TABLE}_{time}.json``.
        Returns the path written. The file is written only if the answer has Jobindsats' shape.
        """
        if not periods:
            raise JobindsatsError("Angiv mindst én periode (fx 2024M01).")
        body: dict[str, Any] = {
            "area": areas if isinstance(areas, str) else list(areas),
            "period": [periods] if isinstance(periods, str) else list(periods),
        }
        for name, values in dimensions.items():
            if not _DIMENSION.fullmatch(name):
                raise JobindsatsError(
                    f"'{name}' er ikke navnet på en dimension hos Jobindsats "
                    "(dimensioner begynder med _, fx _alder eller _viskat_2udh)."
                )
            body[name] = values if isinstance(values, str) else list(values)
        response = self._call("POST", f"data/{_table_path(table)}/json", table=table, body=body)
        answer = self._json(response)
        first = answer[0] if isinstance(answer, list) and answer else None
        if not (isinstance(first, dict) and "Variables" in first and "Data" in first):
            raise JobindsatsError(
                f"Jobindsats svarede uden data for tabel {table}: forventede en liste med "
                f"'Variables' og 'Data', fik {self._snippet(response.text)}"
            )
        target = out / _file_name(table) if out.is_dir() else out
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        partial.write_bytes(response.content)
        partial.replace(target)
        return target

    # --- plumbing --------------------------------------------------------------------------

    def _call(
        self, method: str, path: str, *, table: str | None = None, body: Any = None
    ) -> httpx.Response:
        if self._key is None or not self._key.get_secret_value().strip():
            raise JobindsatsError(
                f"Der er ingen API-nøgle til Jobindsats. Sæt {KEY_SETTING}; "
                "nøglen fås ved at skrive til Jobindsats (se jobindsats.dk, Introduktion til API)."
            )
        headers = {"Authorization": self._key.get_secret_value().strip()}
        try:
            response = self._http.request(method, path, headers=headers, json=body)
        except httpx.TimeoutException:
            raise JobindsatsError(
                f"Jobindsats ({self.base_url}) svarede ikke inden for {self._timeout:g} sekunder."
            ) from None
        except httpx.HTTPError as exc:
            raise JobindsatsError(
                f"Kunne ikke forbinde til Jobindsats ({self.base_url}): {type(exc).__name__}."
            ) from None
        if response.status_code in (401, 403):
            raise JobindsatsError(
                f"Jobindsats afviste API-nøglen (HTTP {response.status_code}): nøglen mangler, "
                f"er forkert eller er udløbet. Tjek {KEY_SETTING}."
            )
        if response.status_code == 404:
            if table is not None:
                raise JobindsatsError(
                    f"Jobindsats kender ikke tabellen '{table}' (HTTP 404). "
                    "Se listen over tabeller med tables()."
                )
            raise JobindsatsError(
                f"Adressen findes ikke hos Jobindsats (HTTP 404): {response.request.url.path}. "
                "Tjek indstillingen jobindsats_url."
            )
        if response.is_error:
            raise JobindsatsError(
                f"Jobindsats svarede med en fejl (HTTP {response.status_code}) på {method} "
                f"{response.request.url.path}: {self._snippet(response.text)}"
            )
        return response

    def _json(self, response: httpx.Response) -> Any:
        try:
            answer = json.loads(response.content.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise JobindsatsError(
                f"Jobindsats svarede ikke med JSON på {response.request.url.path}: "
                f"{self._snippet(response.text)}"
            ) from None
        if isinstance(answer, dict) and any("nøgle" in str(k).casefold() for k in answer):
            raise JobindsatsError(
                f"Jobindsats afviste API-nøglen: '{next(iter(answer))}'. Tjek {KEY_SETTING}."
            )
        return answer

    def _snippet(self, text: str) -> str:
        """The start of an answer for an error message, with the key blotted out just in case."""
        if self._key is not None and self._key.get_secret_value().strip():
            text = text.replace(self._key.get_secret_value().strip(), "<skjult>")
        text = " ".join(text.split())
        return f"'{text[:200]}…'" if len(text) > 200 else f"'{text}'"


def _table_path(table: str) -> str:
    if not _TABLE.fullmatch(table.strip()):
        raise JobindsatsError(f"'{table}' er ikke et tabel-id fra Jobindsats (fx Y38A02).")
    return table.strip().lower()


def _records(answer: Any, what: str) -> list[dict[str, Any]]:
    items = answer if isinstance(answer, list) else [answer]
    if not all(isinstance(item, dict) for item in items):
        raise JobindsatsError(f"Jobindsats' svar med {what} har en uventet form.")
    return list(items)


def _file_name(table: str) -> str:
    return f"{table.strip().replace('_', '').upper()}_{datetime.now():%Y%m%dT%H%M%S}.json"
