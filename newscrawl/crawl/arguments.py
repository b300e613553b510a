"""The spiders' arguments and the crawl's own settings, parsed and checked in one place: each
parser returns a typed value or raises :class:`SpiderArgumentError`, whose message is the one
line ``scrapy crawl`` prints before it exits with status 2."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from newscrawl.urls import origin

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


class SpiderArgumentError(ValueError):
    """A spider argument (``-a name=value``) is missing, unknown or malformed."""


def refuse_unknown(spider: str, unknown: dict[str, object], takes: str) -> None:
    """Refuse the arguments a spider does not take (``_job``, which scrapyd sets, is ignored)."""
    names = sorted(name for name in unknown if name != "_job")
    if names:
        raise SpiderArgumentError(f"unknown argument(s) {', '.join(names)}; {spider} takes {takes}")


def parse_max_articles(value: str | int | None) -> int | None:
    """The ``max_articles`` argument: a positive integer, or ``None`` when not given."""
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise SpiderArgumentError(f"max_articles={value!r} is not a positive integer")
    return number


def check_url_argument(prefix: str, value: str) -> None:
    """Refuse a URL argument that cannot be split into its parts (``http://[::1``), or that holds
    a user name or password (``http://user:password@host``): a crawl sends no credentials, and a
    run's arguments are stored. ``prefix`` starts the message (``base_url=``), which never shows
    what comes before the ``@``. Raises :class:`SpiderArgumentError`."""
    try:
        netloc = urlsplit(value).netloc
    except ValueError as exc:
        raise SpiderArgumentError(f"{prefix}{without_userinfo(value)!r} is not a URL ({exc})") from None
    if "@" in netloc:
        raise SpiderArgumentError(
            f"{prefix}{without_userinfo(value)!r} holds a user name or password (user:password@host), which is not accepted"
        )


def without_userinfo(url: str) -> str:
    """``url`` with the user name and password it may hold shown as ``***``."""
    return _USERINFO.sub("***@", url)


# Everything between "//" and the host's "@": a password may itself hold an "@".
_USERINFO = re.compile(r"(?<=//)[^/?#]*@")


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


def extract_processes(settings: BaseSettings) -> int:
    """The ``EXTRACT_PROCESSES`` setting: a count of worker processes (0: none), or ``auto``
    for one per core."""
    value = settings.get("EXTRACT_PROCESSES", 0)
    if str(value).strip().lower() == "auto":
        return os.cpu_count() or 1
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < 0:
        raise SpiderArgumentError(f"EXTRACT_PROCESSES={value!r} is not a count of processes (0 or more) or auto")
    return number


def parse_flag(name: str, value: str | bool | None) -> bool:
    """A yes/no argument such as ``full``: ``1``/``true``/``yes``/``on`` or ``0``/``false``/``no``/``off``."""
    if value is None or isinstance(value, bool):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise SpiderArgumentError(f"{name}={value!r} is not 1 or 0 (yes or no)")


def gone_recheck(settings: BaseSettings) -> timedelta:
    """The ``GONE_RECHECK_DAYS`` setting: how long an incremental run leaves an article the site
    answered 404 or 410 for before asking again."""
    value = settings.get("GONE_RECHECK_DAYS", 30)
    try:
        interval = timedelta(days=float(value))
    except (TypeError, ValueError, OverflowError):  # NaN and infinity included
        interval = timedelta(-1)
    if interval < timedelta(0):
        raise SpiderArgumentError(f"GONE_RECHECK_DAYS={value!r} is not a number of days (0 or more)")
    return interval


def parse_base_url(value: str) -> str:
    """The ``base_url`` argument: an http(s) origin (scheme, host and port), such as a mirror's."""
    check_url_argument("base_url=", value.strip())
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SpiderArgumentError(f"base_url={value!r} is not an http(s) URL such as https://english.almayadeen.net")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise SpiderArgumentError(f"base_url={value!r} must be an origin only (scheme, host and port), with no path")
    try:
        parts.port  # noqa: B018 - validates the port
    except ValueError as exc:
        raise SpiderArgumentError(f"base_url={value!r} has an invalid port") from exc
    return origin(value.strip())
