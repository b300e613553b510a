"""What changed between two texts of an article, in words: for the desk's edits pages (the SQL
functions ``words_added`` and ``words_removed`` of ``newscrawl serve``) and the history of its
article page (:func:`word_diff`, :func:`names_diff`)."""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from typing import Literal

_WORD = re.compile(r"\S+")
# A paragraph break (a blank line) is a token of its own in a diff, so an edited body keeps its
# paragraphs; within a paragraph, any whitespace is one space.
_PARAGRAPHS = re.compile(r"\n\s*\n")
PARAGRAPH_BREAK = "\n\n"

#: The most word pairs a word diff compares in one run of changed paragraphs (difflib's cost grows
#: with their product, and common words repeat): about 450 words each side, some 10 ms.
WORD_DIFF_LIMIT = 200_000

#: What a piece of a diff is: kept, added or removed.
Op = Literal["equal", "insert", "delete"]


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


def word_diff(old: str | None, new: str | None) -> list[tuple[Op, str]]:
    """The word-level diff from ``old`` to ``new``: ``(op, text)`` pieces in reading order, ``op``
    being ``"equal"``, ``"delete"`` (words of ``old`` only) or ``"insert"`` (words of ``new``
    only; a replacement is a deletion then an insertion). A piece's words are joined by one space,
    a paragraph break between them (a blank line) kept as :data:`PARAGRAPH_BREAK`; pieces are
    read with a space between them. Words are what whitespace separates, as in
    :func:`word_changes`.

    Paragraphs are matched first and only those that differ are compared word by word: an edit
    of a long body costs about what its changed paragraphs do."""
    before, after = _paragraphs(old), _paragraphs(new)
    stream: list[tuple[Op, str]] = []
    broken_before = broken_after = 0  # the paragraph break last put in, on each side
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        in_before = 0 < i1 < len(before) and i1 != broken_before
        in_after = 0 < j1 < len(after) and j1 != broken_after
        if in_before or in_after:
            stream.append(("equal" if in_before and in_after else "delete" if in_before else "insert", PARAGRAPH_BREAK))
            broken_before, broken_after = (i1 if in_before else broken_before), (j1 if in_after else broken_after)
        if tag == "equal":
            stream.extend(("equal", token) for token in _joined_paragraphs(after[j1:j2]))
        else:
            stream.extend(_changed_paragraphs(before[i1:i2], after[j1:j2]))
    return _pieces(stream, " ")


def _changed_paragraphs(before: list[tuple[str, ...]], after: list[tuple[str, ...]]) -> list[tuple[Op, str]]:
    """The diff of paragraphs that differ, word by word; where they hold too many words for that
    (:data:`WORD_DIFF_LIMIT`), paragraph by paragraph when there are as many on each side, else
    (or for one paragraph too long) the old ones deleted and the new ones inserted whole."""
    old, new = _joined_paragraphs(before), _joined_paragraphs(after)
    # the words they begin and end with alike are no change, whatever their length
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    head: list[tuple[Op, str]] = [("equal", token) for token in new[:start]]
    tail: list[tuple[Op, str]] = [("equal", token) for token in new[len(new) - end :]]
    old, new = old[start : len(old) - end], new[start : len(new) - end]
    if len(old) * len(new) <= WORD_DIFF_LIMIT:
        return [*head, *_token_ops(old, new), *tail]
    if len(before) != len(after) or len(before) == 1:
        return [*head, *(("delete", token) for token in old), *(("insert", token) for token in new), *tail]
    ops: list[tuple[Op, str]] = []
    for was, now in zip(before, after, strict=True):
        if ops:
            ops.append(("equal", PARAGRAPH_BREAK))
        ops.extend(_changed_paragraphs([was], [now]))
    return ops


def names_diff(old: list[str], new: list[str]) -> list[tuple[Op, str]]:
    """The diff of two lists of names (tags, authors) as :func:`word_diff` gives that of texts,
    each name a token, a piece's names joined by ``", "``."""
    return _pieces(_token_ops(old, new), ", ")


def _paragraphs(text: str | None) -> list[tuple[str, ...]]:
    """The words of each paragraph of ``text``."""
    return [words for paragraph in _PARAGRAPHS.split((text or "").strip()) if (words := tuple(_WORD.findall(paragraph)))]


def _joined_paragraphs(paragraphs: list[tuple[str, ...]]) -> list[str]:
    """The words of ``paragraphs``, a :data:`PARAGRAPH_BREAK` between two."""
    tokens: list[str] = []
    for words in paragraphs:
        if tokens:
            tokens.append(PARAGRAPH_BREAK)
        tokens.extend(words)
    return tokens


def _token_ops(before: list[str], after: list[str]) -> list[tuple[Op, str]]:
    """Each token of ``before`` and ``after`` with what it is to the diff, in reading order."""
    ops: list[tuple[Op, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.extend(("equal", token) for token in after[j1:j2])
            continue
        ops.extend(("delete", token) for token in before[i1:i2])
        ops.extend(("insert", token) for token in after[j1:j2])
    return ops


def _pieces(ops: list[tuple[Op, str]], separator: str) -> list[tuple[Op, str]]:
    """Runs of tokens of the same op, each joined by ``separator`` (none beside a paragraph break)."""
    pieces: list[tuple[Op, str]] = []
    for op, run in groupby(ops, key=itemgetter(0)):
        parts: list[str] = []
        for _, token in run:
            if parts and PARAGRAPH_BREAK not in (token, parts[-1]):
                parts.append(separator)
            parts.append(token)
        pieces.append((op, "".join(parts)))
    return pieces
