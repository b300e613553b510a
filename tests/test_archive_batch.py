"""A batch of articles is written in one transaction: all of it, or none of it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from newscrawl.archive import Archive
from tests.test_archive import EN, article, counts

if TYPE_CHECKING:
    from pathlib import Path

    from newscrawl.items import ArticleItem

FETCHED = "2024-01-01T00:00:00+00:00"


def test_a_failing_article_leaves_nothing_of_its_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = Archive(tmp_path / "archive.db")
    store_children = archive._store_children
    stored: list[int] = []

    def fail_on_second(article_id: int, item: ArticleItem) -> None:
        stored.append(article_id)
        if len(stored) == 2:
            raise RuntimeError("disk trouble")
        store_children(article_id, item)

    monkeypatch.setattr(archive, "_store_children", fail_on_second)
    batch = [article(), article(url=f"{EN}/news/politics/second-story", post_id="1700002")]
    with pytest.raises(RuntimeError):
        archive.store_articles(batch, FETCHED)
    archive.close()
    # another connection sees what was committed: nothing of the batch
    reopened = Archive(tmp_path / "archive.db")
    assert counts(reopened) == {"articles": 0, "tags": 0, "article_tags": 0, "captions": 0, "links": 0}
    assert reopened.store_articles(batch, FETCHED) == {"new": 2, "changed": 0, "unchanged": 0, "held": 0}
    assert counts(reopened) == {"articles": 2, "tags": 3, "article_tags": 6, "captions": 2, "links": 2}
    reopened.close()
