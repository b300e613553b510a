"""Crawled text on a terminal: inert, whatever bytes a page held.

A page may hold control characters: ANSI escape sequences (colours, cursor moves), an OSC
sequence that retitles the window or writes the clipboard, C1 controls (U+009B is a one-character
CSI). The archive stores them as found; everything the ``newscrawl`` commands print for a person
(``search``, ``stats``, ``runs``) shows each such character as its escape instead: ``\\x1b`` for
ESC, ``\\x07`` for BEL, ``\\x9b`` for CSI. A backslash escape is printable ASCII, so column widths
and line wrapping count it as it shows.

``--json`` output is for programs and keeps the text itself: JSON escapes C0 controls
(``\\u001b``), and :func:`json_line` escapes DEL and the C1 controls too, which JSON may carry raw.

A command that fails says why in one line on standard error (:func:`fail`).
"""

from __future__ import annotations

import json
import sys
from typing import Any

# C0 controls (newline and tab included: a shown field is one line), DEL, and C1 controls.
_CONTROLS = [*range(0x20), 0x7F, *range(0x80, 0xA0)]
_SHOWN = {code: f"\\x{code:02x}" for code in _CONTROLS}
_JSON = {code: f"\\u{code:04x}" for code in (0x7F, *range(0x80, 0xA0))}


def terminal_safe(text: str) -> str:
    """``text`` with every control character (C0, DEL, C1) shown as its ``\\xNN`` escape."""
    return text.translate(_SHOWN)


def json_line(value: Any) -> str:
    """``value`` as one line of JSON, non-ASCII text as itself but DEL and C1 controls escaped
    (``\\u009b``): the same JSON value, inert on a terminal."""
    # Outside strings JSON holds only ASCII, so the escapes land inside strings, where they are valid.
    return json.dumps(value, ensure_ascii=False).translate(_JSON)


def fail(command: str, why: object, status: int) -> int:
    """Say on standard error why ``newscrawl <command>`` failed, in one line (``newscrawl search:
    <why>``); returns ``status``, the exit status the command documents for that failure."""
    print(f"newscrawl {command}: {why}", file=sys.stderr)
    return status
