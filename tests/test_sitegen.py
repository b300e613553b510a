"""The benchmark site generator (``benchmarks/sitegen.py``): deterministic, "the same site plus K
newer articles", and a site the ``almayadeen`` spider archives entirely."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from tests.conftest import PROJECT, connect, crawl, start_mirror

sys.path.append(str(PROJECT / "benchmarks"))  # after the installed packages: benchmarks/incremental.py must not shadow Twisted's
import sitegen  # benchmarks/sitegen.py

if TYPE_CHECKING:
    from pathlib import Path


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_generation_is_deterministic_and_extends(tmp_path: Path) -> None:
    first = sitegen.generate(tmp_path / "a", 30)
    again = sitegen.generate(tmp_path / "b", 30)
    assert files(tmp_path / "a") == files(tmp_path / "b")
    assert first.articles == again.articles
    assert len(set(first.articles)) == 30
    sizes = first.article_bytes.values()
    assert min(sizes) >= sitegen.ARTICLE_BYTES[0]
    assert max(sizes) <= sitegen.ARTICLE_BYTES[1]
    assert set(first.markups.values()) == {"A", "B", "C"}

    plus = sitegen.generate(tmp_path / "a", 30, extra=3)  # in place: the same site plus 3 newer articles
    assert plus.articles[:30] == first.articles
    assert len(plus.new) == 3
    assert set(plus.new) == set(plus.articles[30:])
    before, after = files(tmp_path / "b"), files(tmp_path / "a")
    for path in first.articles:  # older article pages do not change
        name = f"{path}/index.html"
        assert after[name] == before[name], name
    for path in plus.new:
        listing = path.rsplit("/", 1)[0]
        assert path in plus.listings[listing][: plus.page_size]  # on page 1 of its section
        page_one = after[f"{listing}/index.html"].decode()
        assert f"/{path}" in page_one
    # what was on page 1 of a listing before is pushed down, in the same order
    for listing, items in first.listings.items():
        assert tuple(p for p in plus.listings[listing] if p not in plus.new) == items
    # regenerating without the extra articles removes their pages again
    sitegen.generate(tmp_path / "a", 30)
    assert files(tmp_path / "a") == before


def test_crawl_archives_every_generated_article(tmp_path: Path) -> None:
    info = sitegen.generate(tmp_path / "site", 30, extra=3)
    db = tmp_path / "archive.db"
    server = start_mirror(info.root)
    try:
        result = crawl(server.base_url, db)
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr[-3000:]
    with connect(db) as con:
        urls = {row["url"] for row in con.execute("SELECT url FROM articles")}
        run = con.execute("SELECT status, complete FROM crawl_runs").fetchone()
    assert urls == {info.url_of(path) for path in info.articles}
    assert tuple(run) == ("finished", 1)
