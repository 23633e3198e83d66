"""Text for the terminal: what came from notes or file names is printed inert.

Note text and file names can hold terminal control sequences: ``ESC ] 52`` writes the
clipboard, ``ESC ] 8`` makes hidden links, ``ESC [ 2 J`` clears the screen, a carriage
return or a right-to-left override rewrites what the reader sees. :func:`clean` removes
them all (C0 and C1 control characters, ``ESC`` sequences, bidirectional overrides) and
keeps tabs and line breaks; :func:`json_text` is JSON that stays valid and inert: no
``NaN`` or ``Infinity`` (written ``null``) and every control character escaped.

Example
-------
>>> clean("Graph\\x1b]52;c;ZWNobyBoaQ==\\x07 nets\\x1b[31m!\\x1b[0m")
'Graph nets!'
>>> json_text({"score": float("nan"), "label": "a\\u009b31mb"})
'{"score": null, "label": "a\\\\u009b31mb"}'
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

__all__ = ["clean", "json_text"]

_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"  # CSI ... final byte
    r"|\x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC, DCS, SOS, PM, APC strings
    r"|\x9b[0-?]*[ -/]*[@-~]?"  # 8-bit CSI
    r"|[\x9d\x90\x98\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # 8-bit strings
    r"|\x1b[ -/]*[0-~]?"  # other escapes (two or three bytes)
)
# C0 but tab and newline, DEL, C1, bidirectional embeddings / overrides / isolates
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: object) -> str:
    """``str(text)`` without terminal control sequences or control characters.

    >>> clean("a\\rb\\u202ec\\td\\n"), clean("\\x9b2Jx")
    ('abc\\td\\n', 'x')
    """
    return _CONTROL.sub("", _SEQUENCE.sub("", str(text)))


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def json_text(data: Any, **kwargs: Any) -> str:
    """``json.dumps`` that is always valid JSON and safe to print to a terminal.

    Non-finite floats become ``null``; C1 controls and bidirectional overrides are
    written as ``\\uXXXX`` escapes (JSON already escapes C0).

    >>> json_text([float("inf"), 1.5, "\\u202e"])
    '[null, 1.5, "\\\\u202e"]'
    """
    kwargs.setdefault("ensure_ascii", False)
    text = json.dumps(_finite(data), allow_nan=False, **kwargs)
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
