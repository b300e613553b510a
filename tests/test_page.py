"""``Page``'s structure helpers that answer from per-page indexes and shared memos: link
resolution, the search of text nodes for a word, elements by id, boilerplate and chrome."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from parsel import Selector
from scrapy.http import HtmlResponse

from newscrawl.extract.document import Page, text_nodes_with
from newscrawl.extract.response import html_page

EN = "https://english.almayadeen.net"


@pytest.mark.parametrize(
    ("page_url", "href", "expected"),
    [
        (f"{EN}/news/politics", "/news/economy", f"{EN}/news/economy"),
        (f"{EN}/news/politics?page=2", " /news/a/../b?x=1#f ", f"{EN}/news/b?x=1#f"),
        (f"{EN}/news/politics", "?page=3", f"{EN}/news/politics?page=3"),
        (f"{EN}/news/politics/", "slug", f"{EN}/news/politics/slug"),
        (f"{EN}/news/politics", "//cdn.example/x.jpg", "https://cdn.example/x.jpg"),
        (f"{EN}/news/politics", "HTTPS://Example.com/a/./b", "https://Example.com/a/./b"),  # as urljoin leaves it
        (f"{EN}/news/politics", "http://other.example/", "http://other.example/"),
        (f"{EN}/news/politics", "https:relative", f"{EN}/news/relative"),  # a scheme without a host
        (f"{EN}/news/politics", "https:///x", f"{EN}/x"),
        ("http://127.0.0.1:8000/news", "/a", "http://127.0.0.1:8000/a"),
        ("page.html", "/a", "/a"),  # no origin to resolve against
        (f"{EN}/news", "#top", None),
        (f"{EN}/news", "javascript:void(0)", None),
        (f"{EN}/news", "  ", None),
    ],
)
def test_absolute(page_url: str, href: str, expected: str | None) -> None:
    page = Page.from_html("<html><body></body></html>", page_url)
    assert page.absolute(href) == expected
    if expected is not None:
        assert expected == urljoin(page_url, href.strip())
    assert page.absolute(href) == expected  # the page's own memo gives the same


TEXT = """<html><head><title>Source: title</title><script>var source = "Source";</script></head><body>
<p>Source: AFP</p>
<div><span>5</span> Shares and a source</div>
<div>Nothing here<style>.source {}</style></div>
<ul><li>SOURCE LINE</li><li>sources</li></ul>
<noscript><p>source in noscript</p></noscript>
</body></html>"""


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (("source",), ["title", "p", "div", "li", "li", "p"]),  # "Source", "source", "SOURCE", in page order
        (("shares",), ["div"]),  # "Shares": the capitalized form
        (("share", "nothing"), ["div", "div"]),  # a child's tail belongs to the parent
        (("absent",), []),
    ],
)
def test_text_nodes_with(words: tuple[str, ...], expected: list[str]) -> None:
    page = Page.from_html(TEXT, f"{EN}/a")
    assert [el.tag for el in text_nodes_with(page, *words)] == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>a</p>\n  <p> b </p>", ["a", " b "]),  # white space only between them: left out
        ("<p>\xa0</p><p>\u2003</p>", ["\xa0", "\u2003"]),  # no-break and em spaces are text to normalize-space()
        ("<div><script>var a</script>after<style>.x{}</style></div>", ["after"]),  # code left out, its tail kept
        ("<p>one<br>two</p>", ["one", "two"]),
    ],
)
def test_visible_texts_are_the_nodes_normalize_space_keeps(html: str, expected: list[str]) -> None:
    for source in (html, html.encode()):  # the text and the UTF-8 bytes read the same
        texts, starts, joined = Page.from_html(source, f"{EN}/a").visible_texts
        assert [str(text) for text in texts] == expected
        assert [joined[start : start + len(text)] for start, text in zip(starts[:-1], texts, strict=True)] == expected


def test_text_nodes_with_yields_an_element_once_per_text_node() -> None:
    page = Page.from_html("<html><body><div>read<br>Read more<br>READ</div></body></html>", f"{EN}/a")
    assert [el.tag for el in text_nodes_with(page, "read")] == ["div", "div", "div"]


@pytest.mark.parametrize(
    ("id_", "tag", "expected"),
    [
        ("meta", None, ["div", "script", "script"]),
        ("meta", "script", ["script", "script"]),
        ("missing", None, []),
        ("Meta", None, []),  # ids are case-sensitive
    ],
)
def test_by_id(id_: str, tag: str | None, expected: list[str]) -> None:
    html = '<html><body><div id="meta"></div><script id="meta">{}</script><p id="x"><script id="meta"></script></p></body></html>'
    page = Page.from_html(html, f"{EN}/a")
    assert [el.tag for el in page.by_id(id_, tag)] == expected


def test_boilerplate_and_chrome_hold_their_containers_subtrees() -> None:
    html = """<html><body>
    <nav><ul><li><a href="/news">News</a><!-- menu --></li></ul></nav>
    <div class="share-bar"><span>5</span> Shares</div>
    <article><h1>Title</h1><p>A long enough paragraph of the article itself, more than enough.</p>
    <footer><a href="/tags/x">x</a></footer></article>
    </body></html>"""
    page = Page.from_html(html, f"{EN}/news/politics/some-long-article-slug-here")
    link, label = page.root.xpath("//nav//a")[0], page.root.xpath("//div[@class='share-bar']/span")[0]
    paragraph, tag = page.root.xpath("//article/p")[0], page.root.xpath("//footer/a")[0]
    assert [page.in_boilerplate(el) for el in (link, label, paragraph, tag)] == [True, True, False, False]
    # a share bar is not chrome; the article's own footer is not boilerplate
    assert [page.in_chrome(el) for el in (link, label, paragraph, tag)] == [True, False, False, False]


NAMED = """<html><body>
<div class="Site-Header"><h2 class="box-title">Most Read</h2></div>
<div id="caption-1" class="img">x</div><p class="byline author">By A</p>
<span data-role="author-box">y</span><div class="no-match">z</div>
</body></html>"""


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("author",), ["p", "span"]),  # lower-cased names; data-role is a name too
        (("header",), ["div"]),  # "Site-Header", found lower-cased
        (("title", "caption"), ["h2", "div"]),  # in page order, whichever part each holds
        (("img", "match", "by"), ["div", "p", "div"]),  # "caption-1 img", "byline author", "no-match"
        (("absent",), []),
    ],
)
def test_named_with(parts: tuple[str, ...], expected: list[str]) -> None:
    page = Page.from_html(NAMED, f"{EN}/a")
    found = page.named_with(*parts)
    assert [el.tag for el, _ in found] == expected
    # one search over all the names finds what a search of each element's names finds
    assert found == [(el, names) for el, names in page.named if any(part in names for part in parts)]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<p>Gaza — 3°C</p>".encode(), "Gaza — 3°C"),  # UTF-8, read by lxml as it is
        ("<meta charset='windows-1256'><p>عاجل</p>".encode("cp1256"), "عاجل"),  # decoded first
        (b"<p>caf\xe9</p>", "café"),  # not UTF-8, nothing declared: guessed as a browser does (windows-1252)
        ("\ufeff<p>BOM</p>".encode(), "BOM"),
        (b"  \n<p>a\x00b</p>\n", "ab"),  # as parsel reads a page: NUL dropped
    ],
)
def test_from_html_reads_bytes_in_their_encoding(body: bytes, expected: str) -> None:
    page = Page.from_html(body, f"{EN}/a")
    assert page.root.xpath("string(//p)") == expected


UTF8 = {"Content-Type": "text/html; charset=utf-8"}


@pytest.mark.parametrize(
    ("body", "headers", "encoding", "expected"),
    [
        ("<p>Gaza — 3°C</p>".encode(), UTF8, None, "Gaza — 3°C"),  # the bytes as they are
        (b"<p>caf\xe9 \xe2\x80\x94</p>", UTF8, None, "caf\ufffd —"),  # not all UTF-8: the text
        ("<p>عاجل</p>".encode("cp1256"), {"Content-Type": "text/html; charset=windows-1256"}, None, "عاجل"),
        ("<p>BOM</p>".encode("utf-16"), UTF8, None, "BOM"),  # the BOM decides
        ("<p>BOM</p>".encode("utf-16"), {}, "utf-8", "BOM"),  # even over an encoding given (page workers)
    ],
)
def test_html_page_parses_a_response_as_its_text_reads(
    body: bytes, headers: dict[str, str], encoding: str | None, expected: str
) -> None:
    response = HtmlResponse(url=f"{EN}/a", body=body, headers=headers, encoding=encoding)
    assert encoding is None or response.encoding == encoding
    page = html_page(response)
    assert page is not None
    assert page.root.xpath("string(//p)") == expected == Selector(text=response.text).xpath("string(//p)").get()


def test_names_read_from_bytes_equal_names_read_from_text() -> None:
    html = (
        '<html><body><div CLASS="Menu" data-testid="x"><p itemprop="articleBody" id="t">x</p></div><span>y</span></body></html>'
    )
    from_bytes, from_text = Page.from_html(html.encode(), f"{EN}/a"), Page.from_html(html, f"{EN}/a")
    assert [(el.tag, names) for el, names in from_bytes.named] == [(el.tag, names) for el, names in from_text.named]
    assert [(el.tag, names) for el, names in from_bytes.named] == [("div", "menu x"), ("p", "articlebody t")]
    assert Page.from_html(b"<p>x</p>", f"{EN}/a").names == {}
