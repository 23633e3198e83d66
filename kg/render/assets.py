"""Static assets of the HTML page, read once per process.

vis-network's JS and CSS come from the pyvis package data (``pyvis/templates/lib/vis-9.1.2``),
located with :func:`importlib.util.find_spec` so that ``pyvis.network`` (which imports IPython
and jinja2) is never imported. The page's own template, script and style sheet live beside this
module.

Example
-------
>>> a = load_assets()
>>> sorted(a)
['page_css', 'page_js', 'template', 'vis_css', 'vis_js']
>>> "vis-network" in a["vis_js"][:200]
True
>>> script_json({"x": "</script><b>&"})
'{"x":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
from pathlib import Path
from typing import Any

__all__ = ["VIS_VERSION", "vis_dir", "load_assets", "script_json", "inline_safe"]

#: The vis-network build shipped by pyvis 0.3.2 that the page inlines.
VIS_VERSION = "9.1.2"

_HERE = Path(__file__).resolve().parent

# a source-map comment would make developer tools fetch a file that is not there
_SOURCE_MAP = re.compile(
    r"^\s*(//[#@]\s*sourceMappingURL=.*|/\*[#@]\s*sourceMappingURL=.*?\*/)\s*$", re.M
)


def vis_dir() -> Path:
    """The folder holding ``vis-network.min.js`` and ``vis-network.css`` in the pyvis package.

    Raises:
        FileNotFoundError: when pyvis (or its vis-network copy) is not installed.
    """
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("pyvis is not installed; `pip install pyvis>=0.3.2`")
    folder = (
        Path(list(spec.submodule_search_locations)[0]) / "templates" / "lib" / f"vis-{VIS_VERSION}"
    )
    if not (folder / "vis-network.min.js").is_file():
        raise FileNotFoundError(
            f"{folder}: vis-network {VIS_VERSION} not found in the pyvis package"
        )
    return folder


def inline_safe(text: str, tag: str) -> str:
    """Make ``text`` safe to place inside ``<tag>...</tag>`` (no early ``</tag>``).

    >>> inline_safe("a</SCRIPT>b", "script")
    'a<\\\\/SCRIPT>b'
    """
    return re.sub(rf"</({tag})", r"<\\/\1", text, flags=re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def load_assets() -> dict[str, str]:
    """Read vis-network's JS/CSS and the page's template, JS and CSS (cached for the process)."""
    vis = vis_dir()
    vis_js = (vis / "vis-network.min.js").read_text(encoding="utf-8")
    vis_css = (vis / "vis-network.css").read_text(encoding="utf-8")
    return {
        "vis_js": inline_safe(_SOURCE_MAP.sub("", vis_js), "script"),
        "vis_css": inline_safe(_SOURCE_MAP.sub("", vis_css), "style"),
        "template": (_HERE / "page.html").read_text(encoding="utf-8"),
        "page_js": inline_safe((_HERE / "page.js").read_text(encoding="utf-8"), "script"),
        "page_css": inline_safe((_HERE / "page.css").read_text(encoding="utf-8"), "style"),
    }


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def script_json(data: Any) -> str:
    """JSON text that is safe inside an HTML ``<script>`` element.

    ``<``, ``>``, ``&`` and the line separators U+2028/U+2029 are written as ``\\uXXXX``
    escapes, so no note text can close the element or start markup.
    """
    text = _ENCODER.encode(data)
    # str.replace scans in C at memchr speed; far faster than str.translate on large pages
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
