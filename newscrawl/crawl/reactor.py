"""The Twisted reactor a crawl runs on, for code that schedules calls on it."""

from __future__ import annotations

from typing import Any


def installed_reactor() -> Any:
    """The reactor Scrapy installed (imported only once it is: importing it installs the
    default one; Twisted types it as a module)."""
    from twisted.internet import reactor  # noqa: PLC0415 (imported once installed)

    return reactor
