"""Headless Chromium settings for looking at pages the way a person would.

The browser tests, ``benchmarks/render_speed.py`` and ``benchmarks/screenshot.py`` launch
Debian's ``chromium`` through playwright with these flags: headless, no sandbox (root in
CI), no GPU, and no background networking (the page must not need a network, and the
machine has none to give).

Example
-------
>>> "--headless" in CHROMIUM_ARGS and CHROMIUM.endswith("chromium")
True
"""

from __future__ import annotations

import shutil
from typing import Any

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "launch"]

#: The Chromium binary (Debian's package puts it at /usr/bin/chromium).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

#: Command-line flags for a quiet, offline, headless browser.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def launch(playwright: Any) -> Any:
    """Launch headless Chromium from a running ``playwright.sync_api`` instance."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
