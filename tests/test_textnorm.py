"""The search form of a text (:func:`newscrawl.textnorm.search_form`): a table of real words, the
SQL the index's triggers apply agreeing with it, and what the tokenizer folds after it."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from newscrawl.textnorm import FOLDS, TOKENIZE, search_form, search_form_sql

# (text, its search form): real Arabic headline words, with and without their marks.
TABLE = [
    ("الإحتلالُ يُصعِّد في غزّة", "الاحتلال يصعد في غزه"),  # hamza below, damma, shadda, kasra, ta marbuta
    ("الاحتلال يصعد في غزه", "الاحتلال يصعد في غزه"),  # already in search form
    ("أكّدَ", "اكد"),  # alef with hamza above, shadda, fatha
    ("آذار", "اذار"),  # alef with madda (a Levantine month)
    ("ٱلْقُدْس", "القدس"),  # alef wasla, sukun, damma
    ("مستشفى", "مستشفي"),  # alef maqsura
    ("كتابًا وكتابٌ وكتابٍ", "كتابا وكتاب وكتاب"),  # the three tanwin
    ("غـــزة", "غزه"),  # tatweel
    ("هٰذا", "هذا"),  # superscript alef
    ("ا\u0654", "ا"),  # hamza above written as a mark after the alef
    ("مسؤول وسائل", "مسؤول وسائل"),  # hamza on waw and ya: letters of their own, kept
    ("٢٣ تموز ٢٠٢٥، 19:20", "٢٣ تموز ٢٠٢٥، 19:20"),  # Eastern digits and the Arabic comma, kept
    ("educación", "educación"),  # Latin accents: the tokenizer folds them (test_tokenizer_folds_...)
    ('headline:"Strait of Hormuz" OR gaza*', 'headline:"Strait of Hormuz" OR gaza*'),  # ASCII: as it is
    ('"الإحتلالُ" NEAR(غزّة أكّد)', '"الاحتلال" NEAR(غزه اكد)'),  # FTS5 syntax kept around Arabic
    ("", ""),
]


@pytest.mark.parametrize(("text", "form"), TABLE)
def test_search_form(text: str, form: str) -> None:
    assert search_form(text) == form
    assert search_form(form) == form  # folding twice is folding once


@pytest.mark.parametrize(("text", "form"), TABLE)
def test_the_index_sql_folds_as_search_form(text: str, form: str) -> None:
    with closing(sqlite3.connect(":memory:")) as con:
        assert con.execute(f"SELECT {search_form_sql('?1')}", [text]).fetchone()[0] == search_form(text)
        assert con.execute(f"SELECT {search_form_sql('NULL')}").fetchone()[0] is None


def test_every_fold_is_one_character_to_at_most_one() -> None:
    assert all(len(found) == 1 and len(shown) <= 1 for found, shown in FOLDS.items())
    assert len(FOLDS) == 19


def tokens(text: str) -> list[str]:
    """The words FTS5 reads in ``text`` with the index's tokenizer, folded as it indexes them."""
    with closing(sqlite3.connect(":memory:")) as con:
        con.execute(f'CREATE VIRTUAL TABLE t USING fts5(x, tokenize="{TOKENIZE}")')
        con.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
        con.execute("INSERT INTO t (x) VALUES (?)", [text])
        return [row[0] for row in con.execute("SELECT term FROM v ORDER BY offset")]


@pytest.mark.parametrize(
    ("text", "words"),
    [("Educación EDUCACION educacion", ["educacion"] * 3), ("Año niño", ["ano", "nino"]),
     ("Ça, façade", ["ca", "facade"]), ("e\u0301ducacio\u0301n", ["educacion"])],
)  # fmt: skip
def test_tokenizer_folds_case_and_latin_accents(text: str, words: list[str]) -> None:
    assert tokens(search_form(text)) == words


@pytest.mark.parametrize("text", [row[0] for row in TABLE])
def test_a_text_and_its_search_form_have_as_many_words(text: str) -> None:
    # what keeps a snippet of the text as written cut at the words the index matched
    assert len(tokens(text)) == len(tokens(search_form(text)))
