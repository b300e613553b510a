"""The desk's "What changed" page (``/-/changes`` of ``newscrawl serve``): the latest edits across
the archive and the most-edited articles, each linked to its article page's history.

Its rows are those of the canned queries ``latest_edits`` and ``most_edited``
(:data:`newscrawl.desk.dashboard.CANNED_QUERIES`), run on the archive's read-only connection,
which has the SQL functions ``words_added`` and ``words_removed``: the page and the queries
cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newscrawl.desk.dashboard import CANNED_QUERIES

if TYPE_CHECKING:
    from datasette.app import Datasette
    from datasette.utils.asgi import Request, Response

#: The page's path in ``newscrawl serve``.
PATH = "/-/changes"


@dataclass(frozen=True)
class Edit:
    """One new text of an article: when it was first fetched (``None``: not recorded, an archive
    from before schema version 3), why (``fetch`` or ``reextract``), the fields that changed and
    the words added and removed in headline, lead and body."""

    article_id: int
    headline: str
    version: int
    edited_at: str | None
    reason: str
    fields: tuple[str, ...]
    words_added: int
    words_removed: int
    link: str


@dataclass(frozen=True)
class Edited:
    """An article with ``edits`` texts after its first, the latest first fetched at ``last_edited_at``."""

    article_id: int
    headline: str
    edits: int
    last_edited_at: str | None
    link: str


def history_link(datasette: Datasette, database: str, article_id: int) -> str:
    """The address of the history on the article's page."""
    return f"{datasette.urls.row(database, 'articles', str(article_id))}#history"


async def changes_page(datasette: Datasette, request: Request) -> Response:
    """The page: :class:`Edit` rows of ``latest_edits``, :class:`Edited` rows of ``most_edited``."""
    from datasette.utils.asgi import Response  # noqa: PLC0415 (imported when serving: heavy)

    db = datasette.get_database()
    latest = await db.execute(CANNED_QUERIES["latest_edits"]["sql"])
    most = await db.execute(CANNED_QUERIES["most_edited"]["sql"])
    edits = [
        Edit(
            article_id=row["article_id"],
            headline=row["headline"] or "",
            version=row["version"],
            edited_at=row["edited_at"],
            reason=row["reason"] or "",
            fields=tuple((row["fields"] or "").split()),
            words_added=row["words_added"],
            words_removed=row["words_removed"],
            link=history_link(datasette, db.name, row["article_id"]),
        )
        for row in latest.rows
    ]
    edited = [
        Edited(
            article_id=row["article_id"],
            headline=row["headline"] or "",
            edits=row["edits"],
            last_edited_at=row["last_edited_at"],
            link=history_link(datasette, db.name, row["article_id"]),
        )
        for row in most.rows
    ]
    context: dict[str, Any] = {
        "edits": edits,
        "edited": edited,
        "database": db.name,
        "latest_sql_url": datasette.urls.path(f"/{db.name}/latest_edits"),
        "most_sql_url": datasette.urls.path(f"/{db.name}/most_edited"),
    }
    return Response.html(await datasette.render_template("newscrawl-changes.html", context, request=request))
