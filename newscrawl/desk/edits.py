"""What changed between two texts of an article, in words: for the desk's edits pages (the SQL
functions ``words_added`` and ``words_removed`` of ``newscrawl serve``)."""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

_WORD = re.compile(r"\S+")


@lru_cache(maxsize=64)  # the two functions of one row ask for the same pair in turn
def word_changes(old: str | None, new: str | None) -> tuple[int, int]:
    """``(words added, words removed)`` from ``old`` to ``new``, words being what whitespace
    separates (a word replaced counts once each way)."""
    before, after = _changed_middle(_WORD.findall(old or ""), _WORD.findall(new or ""))
    added = removed = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag != "equal":
            removed += i2 - i1
            added += j2 - j1
    return added, removed


def _changed_middle(before: list[str], after: list[str]) -> tuple[list[str], list[str]]:
    """``before`` and ``after`` without the words they begin and end with alike: an edit is mostly
    a few words in a long text, and the matcher's time grows with the product of the lengths."""
    shorter = min(len(before), len(after))
    start = 0
    while start < shorter and before[start] == after[start]:
        start += 1
    end = 0
    while end < shorter - start and before[-1 - end] == after[-1 - end]:
        end += 1
    return before[start : len(before) - end], after[start : len(after) - end]


def words_added(old: str | None, new: str | None) -> int:
    """The SQL function ``words_added(old, new)`` (see :func:`word_changes`)."""
    return word_changes(old, new)[0]


def words_removed(old: str | None, new: str | None) -> int:
    """The SQL function ``words_removed(old, new)`` (see :func:`word_changes`)."""
    return word_changes(old, new)[1]
