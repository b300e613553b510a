"""``Page.css``: the same elements as parsel's ``Selector.css``, with selectors that cannot match
skipped, and simple ones answered, by the page's class, id and attribute indexes."""

from __future__ import annotations

import pytest

from newscrawl.extract.document import Page

HTML = """<html><body>
<div class="post-date big">1 May</div>
<div class="article-body"><p>One</p><p class="note">Two</p></div>
<ul class="tags"><li><a href="/tags/gaza.html">Gaza</a></li></ul>
<span id="box" class="Source-Line">AFP</span>
<a href="/coverage/war" class="teaser">War</a>
</body></html>"""


@pytest.mark.parametrize(
    ("query", "texts"),
    [
        (".post-date", ["1 May"]),
        ("[class*=date]", ["1 May"]),
        ("[class*='date']", ["1 May"]),
        (".missing, .post-date", ["1 May"]),
        (".missing", []),
        ("[class*=missing]", []),
        (".tags a", ["Gaza"]),
        (".tags li", ["Gaza"]),
        ("a[href$='.html']", ["Gaza"]),  # ".html" is a value, not a class
        ("a[href*='/coverage']", ["War"]),
        ("a:not(.missing)", ["Gaza", "War"]),  # a class inside :not() is not needed
        ("[class*=source-line i]", ["AFP"]),  # nor one tested without case
        ("[class*=source-line]", []),
        ("#box", ["AFP"]),
        ("p", ["One", "Two"]),
        ("p.note", ["Two"]),
        ("div.p-content", []),
        ("div.post-date.big", ["1 May"]),
        ("div.post-date.missing", []),
        ("body .tags a", ["Gaza"]),  # a chain whose first compound only a walk finds
        ("#missing a", []),
        ("body #box", ["AFP"]),
        ("ul.tags li a", ["Gaza"]),  # a chain from the one element of its first compound
        (".article-body p", ["One", "Two"]),
        (".article-body .missing", []),
        ("[class*=article] p.note", ["Two"]),
        ("[class*=tag]", ["Gaza"]),
        ("[href*='/tags/']", ["Gaza"]),
        ("[href*='/missing/']", []),
        ("span[id=box]", ["AFP"]),
        ("[class*=e]", ["1 May", "OneTwo", "Two", "AFP", "War"]),  # several class values, in page order
    ],
)
def test_css_matches_parsel(query: str, texts: list[str]) -> None:
    page = Page.from_html(HTML, "https://news.example/a")
    found = page.css(query)
    assert [el.text_content() for el in found] == texts
    assert found == [sel.root for sel in page.selector.css(query)]


def test_css_within_an_element_includes_it() -> None:
    page = Page.from_html(HTML, "https://news.example/a")
    (body,) = page.css(".article-body")
    assert [el.text for el in page.css("p", within=body)] == ["One", "Two"]
    assert page.css("div", within=body) == [body]
    assert page.css(".tags", within=body) == []
