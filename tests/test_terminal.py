"""Crawled text on a terminal: every control character shown as its escape, JSON inert too."""

from __future__ import annotations

import json

import pytest

from newscrawl.desk.query import Hit, format_hits, format_stats
from newscrawl.desk.terminal import json_line, terminal_safe


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain text, ‘quotes’ and عاجل", "plain text, ‘quotes’ and عاجل"),
        ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),  # SGR colours
        ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),  # OSC: the window title
        ("\x1b]52;c;cm0gLXJmIH4=\x1b\\", "\\x1b]52;c;cm0gLXJmIH4=\\x1b\\"),  # OSC 52: the clipboard
        ("\x9b2J\x9d0;t\x9c", "\\x9b2J\\x9d0;t\\x9c"),  # C1: CSI, OSC, ST in one character each
        ("a\x00b\x7fc\x85d", "a\\x00b\\x7fc\\x85d"),  # NUL, DEL, NEL
        ("line\nnext\tcell\r", "line\\x0anext\\x09cell\\x0d"),  # a shown field is one line
        ("\xa0non-breaking, \u200bzero width", "\xa0non-breaking, \u200bzero width"),  # not controls
    ],
)
def test_terminal_safe(text: str, shown: str) -> None:
    assert terminal_safe(text) == shown


@pytest.mark.parametrize(
    ("value", "line"),
    [
        ({"headline": "\x1b[2Jcleared"}, '{"headline": "\\u001b[2Jcleared"}'),
        ({"headline": "\x9b2J\x7f"}, '{"headline": "\\u009b2J\\u007f"}'),
        ({"headline": "عاجل – café"}, '{"headline": "عاجل – café"}'),
        ([1, None, "\x85"], '[1, null, "\\u0085"]'),
    ],
)
def test_json_line(value: object, line: str) -> None:
    assert json_line(value) == line
    assert json.loads(line) == value


def test_search_text_shows_controls_escaped_and_keeps_its_bold() -> None:
    hit = Hit(
        rank=-1.0,
        published_at="2025-07-13T12:55:00+03:00",
        section="Pol\x1b[8mitics",
        headline="Alert \x1b]0;pwned\x07 \x9b2J",
        url="https://site.example/a\x1b[5m",
        snippet="a \x02zanzibarite\x03 \x1b[31mred",
    )
    text = format_hits([hit], bold=True)
    assert text == (
        "1. 2025-07-13  Pol\\x1b[8mitics  Alert \\x1b]0;pwned\\x07 \\x9b2J\n"
        "   https://site.example/a\\x1b[5m\n"
        "   a \x1b[1mzanzibarite\x1b[0m \\x1b[31mred"
    )


def test_stats_text_shows_controls_escaped() -> None:
    stats = {
        "db": "a.db", "articles": 2, "first_published": None, "last_published": None, "versions": 0,
        "revised_articles": 0, "ticker_lines": 0, "tags": 0, "runs": 1,
        "last_run": {"id": 1, "spider": "news", "status": "finished\x1b[2J", "started_at": "2026-11-30T07:00:00+00:00"},
        "by_content_type": {"news\x9b": 2}, "by_edition": {"en": 2}, "by_section": {"Politics\x1b]0;x\x07": 2},
    }  # fmt: skip
    text = format_stats(stats)
    assert "by section  Politics\\x1b]0;x\\x07 2" in text
    assert "by type     news\\x9b 2" in text
    assert "#1 of 1: news finished\\x1b[2J" in text
    assert not [c for c in text if c != "\n" and (ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0)]
