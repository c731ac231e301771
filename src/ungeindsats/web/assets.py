"""The Vega JavaScript bundle, made offline by ``vl-convert-python`` (no CDN, no Node).

``vl_convert.javascript_bundle()`` bundles Vega, Vega-Lite and Vega-Embed into one script that
sets ``window.vegaEmbed``. Making it takes a few seconds, so it is made once per version, kept
in memory and in ``<data_dir>/cache/``, and served under a versioned address that browsers may
cache for a year.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import vl_convert

from ungeindsats.charts import VEGA_LITE_VERSION

_lock = threading.Lock()
_bundles: dict[str, bytes] = {}


def bundle_version() -> str:
    """Changes whenever vl-convert ships other Vega or Vega-Lite versions."""
    text = f"{vl_convert.get_vega_version()}-{VEGA_LITE_VERSION}"
    text += f"-{vl_convert.get_vega_embed_version()}"
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def vega_bundle(cache_dir: Path | None) -> bytes:
    """The bundle's bytes, from memory, the disk cache, or made now (and cached)."""
    version = bundle_version()
    with _lock:
        if version in _bundles:
            return _bundles[version]
        file = cache_dir / f"vega-{version}.js" if cache_dir is not None else None
        if file is not None and file.exists():
            data = file.read_bytes()
        else:
            # The stub makes ``snippet`` required; at run time it defaults to the global setup.
            bundle = vl_convert.javascript_bundle(vl_version=VEGA_LITE_VERSION)  # type: ignore[call-arg]
            data = bundle.encode("utf-8")
            if file is not None:
                file.parent.mkdir(parents=True, exist_ok=True)
                partial = file.with_suffix(".tmp")
                partial.write_bytes(data)
                partial.replace(file)  # never a half-written bundle
        _bundles[version] = data
        return data
