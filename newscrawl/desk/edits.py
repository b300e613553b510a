"""What changed between two texts of an article, in words: for the desk's edits pages (the SQL
functions ``words_added`` and ``words_removed`` of ``newscrawl serve``) and the history of its
article page (:func:`word_diff`, :func:`names_diff`)."""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from typing import Literal

_WORD = re.compile(r"\S+")
# A paragraph break (a blank line) is a token of its own in a diff, so an edited body keeps its
# paragraphs; within a paragraph, any whitespace is one space.
_PARAGRAPHS = re.compile(r"\n\s*\n")
PARAGRAPH_BREAK = "\n\n"

#: What a piece of a diff is: kept, added or removed.
Op = Literal["equal", "insert", "delete"]


@lru_cache(maxsize=64)  # the two functions of one row ask for the same pair in turn
def word_changes(old: str | None, new: str | None) -> tuple[int, int]:
    """``(words added, words removed)`` from ``old`` to ``new``, words being what whitespace
    separates (a word replaced counts once each way)."""
    before, after = _WORD.findall(old or ""), _WORD.findall(new or "")
    added = removed = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag != "equal":
            removed += i2 - i1
            added += j2 - j1
    return added, removed


def words_added(old: str | None, new: str | None) -> int:
    """The SQL function ``words_added(old, new)`` (see :func:`word_changes`)."""
    return word_changes(old, new)[0]


def words_removed(old: str | None, new: str | None) -> int:
    """The SQL function ``words_removed(old, new)`` (see :func:`word_changes`)."""
    return word_changes(old, new)[1]


def word_diff(old: str | None, new: str | None) -> list[tuple[Op, str]]:
    """The word-level diff from ``old`` to ``new``: ``(op, text)`` pieces in reading order, ``op``
    being ``"equal"``, ``"delete"`` (words of ``old`` only) or ``"insert"`` (words of ``new``
    only; a replacement is a deletion then an insertion). A piece's words are joined by one space,
    a paragraph break between them (a blank line) kept as :data:`PARAGRAPH_BREAK`; pieces are
    read with a space between them. Words are what whitespace separates, as in
    :func:`word_changes`."""
    return _diff(_tokens(old), _tokens(new), " ")


def names_diff(old: list[str], new: list[str]) -> list[tuple[Op, str]]:
    """The diff of two lists of names (tags, authors) as :func:`word_diff` gives that of texts,
    each name a token, a piece's names joined by ``", "``."""
    return _diff(old, new, ", ")


def _tokens(text: str | None) -> list[str]:
    tokens: list[str] = []
    for paragraph in _PARAGRAPHS.split((text or "").strip()):
        if tokens:
            tokens.append(PARAGRAPH_BREAK)
        tokens.extend(_WORD.findall(paragraph))
    return tokens


def _diff(before: list[str], after: list[str], separator: str) -> list[tuple[Op, str]]:
    def joined(tokens: list[str]) -> str:
        text = ""
        for token in tokens:
            beside_break = PARAGRAPH_BREAK in (token, text[-2:])
            text += token if not text or beside_break else separator + token
        return text

    pieces: list[tuple[Op, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(("equal", joined(after[j1:j2])))
            continue
        if i2 > i1:
            pieces.append(("delete", joined(before[i1:i2])))
        if j2 > j1:
            pieces.append(("insert", joined(after[j1:j2])))
    return pieces
