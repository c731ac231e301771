"""Reading input files as delivered: hashing, text encoding and delimiter."""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

from ungeindsats.ingest.errors import fail

_BLOCK = 8 << 20


def file_sha256(path: Path) -> str:
    """The sha256 of the file's bytes: the identity of a delivery in the import log."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def detect_encoding(path: Path, sample_bytes: int | None = 16 << 20) -> str:
    """'utf-8' (with or without BOM) or 'latin-1', the two encodings Danish sources deliver.

    The first ``sample_bytes`` are checked (all of the file when None): a file that is valid
    UTF-8 is read as UTF-8; anything else is Latin-1 (every byte sequence is valid Latin-1).
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    read = 0
    with path.open("rb") as handle:
        first = handle.read(3)
        if first == codecs.BOM_UTF8:
            return "utf-8-sig"
        block = first
        while block:
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                return "latin-1"
            read += len(block)
            if sample_bytes is not None and read >= sample_bytes:
                return "utf-8"
            block = handle.read(_BLOCK)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "latin-1"
    return "utf-8"


@dataclass(frozen=True)
class TextFormat:
    encoding: str
    delimiter: str


def sniff_text_format(path: Path, *, whole_file: bool = True) -> TextFormat:
    """Encoding and delimiter (``;``, ``,`` or tab) of a delimited text file, from its header."""
    encoding = detect_encoding(path, None if whole_file else 16 << 20)
    with path.open(encoding=encoding, newline="") as handle:
        header = handle.readline()
    if not header.strip():
        raise fail(path.name, "filen er tom eller mangler en overskriftslinje", line=1)
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    delimiter = max(counts, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        raise fail(path.name, "kan ikke se skilletegnet (semikolon, komma eller tabulator)", line=1)
    return TextFormat(encoding, delimiter)
