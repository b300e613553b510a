"""Damage judged from a fetch itself: a page that is not whole, a re-fetch worse than the stored text."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from newscrawl.damage import Text, page_damage, refetch_damage
from newscrawl.mirror.faults import Rule, Served, cut_html, malformed

ROOT = Path(__file__).resolve().parent.parent
REALWORLD = ROOT.parent / "shared" / "realworld" / "html"
PAGE = (
    b"<!DOCTYPE html><html><head><title>t</title><script>var a = '</body>';</script></head>"
    b"<body><div id=page><main><article><h1>Headline</h1>"
    + b"<div class=p><p>A paragraph of text.</p></div>"
    * 12
    + b"</article>"
    b"</main><footer><div>Footer</div></footer></div></body></html>\n<script>track()</script>\n"
)


@pytest.mark.parametrize(
    ("body", "content_length", "expected"),
    [
        (PAGE, None, None),
        (PAGE, len(PAGE), None),
        (PAGE.upper(), None, None),  # tags in capitals
        (PAGE.replace(b"</body></html>", b""), None, None),  # optional end tags left out
        (PAGE.replace(b"</head>", b"").replace(b"</body></html>", b""), None, None),
        (PAGE.replace(b"</head>", b"").replace(b"<body>", b"").replace(b"</body></html>", b""), None, None),
        (b"<p>a fragment, no <html>", None, None),
        (b"<html><body><div><div><![foo bar", None, None),  # HTMLParser cannot read it: not judged
        (b"", None, "empty page"),
        (b" \r\n ", None, "empty page"),
        (PAGE, len(PAGE) + 1, f"cut short: {len(PAGE)} of the {len(PAGE) + 1} bytes its Content-Length announced"),
        (PAGE[: PAGE.index(b"<p>A paragraph") + 9], None, "cut short: no </body> or </html>, 4 elements left open (main, article, div...)"),
        (PAGE[: PAGE.index(b"<article>") + 4], None, "cut short: no </body> or </html>, ends inside '<art'"),
        (PAGE[: PAGE.index(b"var a") + 5], None, "cut short: no </body> or </html>, ends inside <script>"),
        (PAGE[:43], None, "cut short: no </body> or </html>, ends in its <head>"),
        (PAGE.replace(b"</div>", b""), None, "malformed: 14 <div> opened, 0 closed"),
    ],
    ids=[
        "whole", "whole-length", "capitals", "end-tags-omitted", "head-end-omitted", "body-tags-omitted", "fragment", "unreadable", "empty", "blank",
        "content-length", "cut-in-text", "cut-in-tag", "cut-in-script", "cut-in-head", "divs-unclosed",
    ],
)  # fmt: skip
def test_page_damage(body: bytes, content_length: int | None, expected: str | None) -> None:
    assert page_damage(body, content_length) == expected


def _pages(*folders: Path) -> list[tuple[str, bytes]]:
    found = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in ("", ".html", ".gz"):
                body = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
                if b"<html" in body[:5000].lower():
                    found.append((str(path), body))
    return found


def test_no_page_of_the_fixtures_or_held_out_sites_is_judged_damaged() -> None:
    pages = _pages(ROOT / "fixtures", ROOT / "tests" / "heldout", ROOT / "tests" / "heldout2")
    assert len(pages) > 150
    assert [(name, page_damage(body)) for name, body in pages if page_damage(body)] == []


@pytest.mark.skipif(not REALWORLD.is_dir(), reason="the real-world corpus (../shared/realworld) is absent")
def test_no_real_news_page_is_judged_damaged() -> None:
    pages = _pages(REALWORLD)
    assert len(pages) == 469
    assert [(name, page_damage(body)) for name, body in pages if page_damage(body)] == []


def test_the_mirror_damage_of_every_al_mayadeen_page_is_seen() -> None:
    pages = _pages(ROOT / "fixtures" / "site")
    for name, body in pages:
        served = Served(200, "text/html; charset=utf-8", body)
        assert page_damage(cut_html(Rule(modes=("cut-html",)), served, "/").body), name
        assert page_damage(malformed(Rule(modes=("malformed",)), served, "/").body), name


STORED = Text(
    headline="Five soldiers killed in Beit Hanoun ambush",
    body="\n\n".join(f"Paragraph {n}: what happened, who said it and when, in a sentence or two." for n in range(1, 7)),
    authors=("Al Mayadeen English",),
    tags=("Gaza", "Beit Hanoun"),
)
BODY = STORED.body or ""


@pytest.mark.parametrize(
    ("fetched", "expected"),
    [
        (STORED, None),
        (Text(STORED.headline, BODY.replace("who said it", "who confirmed it"), STORED.authors, STORED.tags), None),
        (Text(STORED.headline, BODY + "\n\nParagraph 7: an update added later.", STORED.authors, STORED.tags), None),
        (Text(STORED.headline, BODY.rsplit("\n\n", 1)[0], STORED.authors, STORED.tags), None),  # last paragraph dropped
        (Text("Six soldiers killed in Beit Hanoun ambush", BODY, STORED.authors, STORED.tags), None),
        (Text(STORED.headline, BODY, ("Al Mayadeen English", "Agencies"), ("Gaza",)), None),
        (Text(None, BODY, STORED.authors, STORED.tags), "headline gone"),
        (Text(STORED.headline, BODY, (), STORED.tags), "byline gone"),
        (Text(STORED.headline, BODY, STORED.authors, ()), "tags gone"),
        (Text(STORED.headline, None, STORED.authors, STORED.tags), "body gone"),
        (Text(STORED.headline, BODY[:200], STORED.authors, STORED.tags), f"body much shorter: 200 characters, {len(BODY)} stored"),
        (
            Text(STORED.headline, "\n".join(BODY.split("\n\n")[:4]) + "\n\n" + "\n".join(BODY.split("\n\n")[4:]), STORED.authors, STORED.tags),
            "paragraphs lost: 2, 6 stored",
        ),
    ],
    ids=[
        "same", "sentence-edited", "paragraph-added", "last-paragraph-dropped", "headline-edited", "byline-and-tags-edited",
        "headline-gone", "byline-gone", "tags-gone", "body-gone", "body-cut", "paragraphs-merged",
    ],
)  # fmt: skip
def test_refetch_damage(fetched: Text, expected: str | None) -> None:
    assert refetch_damage(STORED, fetched) == expected


def test_a_first_fetch_without_a_byline_is_no_damage_to_an_article_that_never_had_one() -> None:
    stored = Text("Headline", "Body.", (), ())
    assert refetch_damage(stored, Text("Headline", "Body, edited.", (), ())) is None
