"""What is printed cannot act on the terminal; JSON output is always valid."""

from __future__ import annotations

import json

import pytest

from kg.terminal import clean, json_text


@pytest.mark.parametrize(
    "raw",
    [
        "\x1b]52;c;ZWNobyBvd25lZA==\x07",  # OSC 52: write the clipboard (BEL)
        "\x1b]52;c;ZWNobyBvd25lZA==\x1b\\",  # ... terminated by ST
        "\x1b]8;;https://evil.example\x1b\\",  # OSC 8: a hidden hyperlink
        "\x1b[2J\x1b[H",  # clear the screen, cursor home
        "\x9b31m",  # 8-bit CSI
        "\x9d8;;x\x9c",  # 8-bit OSC
        "\x1bP1$r\x1b\\",  # DCS
        "\r\b\x07\x00\x7f",  # carriage return, backspace, bell, NUL, DEL
        "\u202e\u2066",  # bidirectional override and isolate
    ],
)
def test_clean_removes_every_control_sequence(raw: str) -> None:
    out = clean(f"Graph{raw} Nets")
    assert out == "Graph Nets"
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in out)


def test_clean_keeps_text_tabs_and_line_breaks() -> None:
    text = "圖神經網路\tRéseaux\nΓράφοι — [link](x) 100%"
    assert clean(text) == text


def test_json_text_is_strict_json_without_nan_or_raw_controls() -> None:
    data = [{"score": float("nan"), "logit": float("-inf"), "label": "a\u009b31mb\u202e", "n": 1.5}]
    text = json_text(data, indent=2)
    assert "NaN" not in text and "Infinity" not in text
    back = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-standard {c}"))
    assert back == [{"score": None, "logit": None, "label": "a\u009b31mb\u202e", "n": 1.5}]
    assert not any(0x7F <= ord(c) <= 0x9F or c == "\u202e" for c in text)
