"""Which character encoding a page is really in (pure functions).

Servers often declare the wrong charset: a UTF-8 page served as ``iso-8859-1`` by a default
server setting, or a legacy Arabic page (``windows-1256``) behind a header that says UTF-8.
Browsers then show mojibake; an archive must not store it.
"""

from __future__ import annotations

from w3lib.encoding import html_to_unicode, http_content_type_encoding, resolve_encoding


def body_encoding(body: bytes, content_type: str | None = None) -> str:
    """The encoding to read ``body`` with, as a Python codec name.

    Valid UTF-8 is UTF-8 whatever the page declares: legacy-encoded text that happens to be
    valid UTF-8 is vanishingly rare once it holds a non-ASCII byte, while a wrong declaration is
    common. Otherwise the declaration decides as in a browser (the ``Content-Type`` header, a
    BOM, ``<meta charset>``), except that a header claiming UTF-8 for bytes that are not UTF-8
    is ignored in favour of the page's own declaration; a page that declares nothing is read in
    the encoding its bytes suggest, as Firefox guesses it (w3lib's ``html_to_unicode``).
    """
    return decoded(body, content_type)[0]


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """A page's text, read in the encoding :func:`body_encoding` names (without a BOM);
    undecodable bytes become U+FFFD."""
    return decoded(body, content_type)[1]


def decoded(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """The encoding :func:`body_encoding` names, and the text :func:`decode_html` reads."""
    try:
        return "utf-8", body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = http_content_type_encoding(content_type) if content_type else None
    if declared and resolve_encoding(declared) == "utf-8":
        content_type = None
    return html_to_unicode(content_type, body)
