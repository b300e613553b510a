"""A static HTTP server for a site mirror on disk (the bundled fixtures, or any folder laid out alike).

URL → file mapping (``fixtures/README.md`` explains why):

- ``/a/b`` → ``ROOT/a/b/index.html``, ``/`` → ``ROOT/index.html``;
- ``/a/b?Q`` → ``ROOT/a/b/index@Q.html`` (e.g. ``/news/politics?page=2``);
- a file that exists as named (``/robots.txt``, ``/sitemaps/all.xml``) is served as itself.

Anything else is a 404 (a name too long for the file system too); a target with a NUL byte
(``%00``) is a 400. Paths never leave ``ROOT``.

With ``--as-of MOMENT`` every reply's ``Date`` header says ``MOMENT``: the mirror replays its pages
as of the day they were taken, as a web archive does (a date a page shows without its year is read
against it). With fault rules (``newscrawl mirror --faults FILE``, see :mod:`newscrawl.mirror.faults`) it answers
some requests with errors, resets, slow or damaged pages instead; ``GET /__mirror/faults`` answers
``{"requests": N, "injected": {mode: n}}`` as JSON.
"""

from __future__ import annotations

import contextlib
import json
import mimetypes
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from newscrawl.mirror.faults import Faults, Reply, Rule, Served, fault_reply, loop_origin

if TYPE_CHECKING:
    from collections.abc import Sequence

#: The bundled mirror of english.almayadeen.net.
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "site"
#: The target that answers the fault counters, and the prefix of the log's marker requests:
#: neither is counted nor ever faulty.
COUNTERS = "/__mirror/faults"
LOG_MARKER = "/__log-marker-"
#: The status a ``--verbose`` log line gives a request answered with a connection reset.
RESET_STATUS = "000"
# Bodies go out in pieces, so a client that stops reading (a size limit) is noticed early.
_CHUNK = 64 * 1024


class BadTarget(ValueError):
    """A request target that names no file and never could: a NUL byte in it, or a path that
    reads as a malformed host (``//[x``). The mirror answers 400."""


def resolve(root: Path, target: str) -> Path | None:
    """The file that serves a request target (path and query), or ``None`` (a name too long for
    the file system included: no file has it). Raises :class:`BadTarget`."""
    try:
        parts = urlsplit(target)
    except ValueError as exc:
        raise BadTarget(f"{target!r}: {exc}") from None
    relative, query = unquote(parts.path).strip("/"), unquote(parts.query)
    if "\0" in relative or "\0" in query:
        raise BadTarget(f"{target!r} holds a NUL byte")
    try:
        return _existing(root, relative, query)
    except OSError:  # ENAMETOOLONG: a component over 255 bytes, or a path over 4096
        return None


def _existing(root: Path, relative: str, query: str) -> Path | None:
    base = (root / relative).resolve()
    if base != root and root not in base.parents:
        return None
    if query:
        candidate = base / f"index@{query}.html"
    elif base.is_file():
        candidate = base
    else:
        candidate = base / "index.html"
    candidate = candidate.resolve()
    if root not in candidate.parents or not candidate.is_file():
        return None
    return candidate


class MirrorHandler(BaseHTTPRequestHandler):
    """Serves files under ``root`` by the mapping above, with the faults of ``faults`` injected
    (see :mod:`newscrawl.mirror.faults`). ``GET /__mirror/faults`` answers the counters as JSON."""

    server_version = "newscrawl-mirror"

    def __init__(
        self, *args: object, root: Path, faults: Faults, quiet: bool = True, as_of: datetime | None = None, **kwargs: object
    ) -> None:
        self.root = root
        self.faults = faults
        self.quiet = quiet
        self.as_of = as_of
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The ``Date`` header: ``as_of`` when the mirror replays a moment, else now."""
        if timestamp is None and self.as_of is not None:
            return format_datetime(self.as_of.astimezone(timezone.utc), usegmt=True)
        return super().date_time_string(timestamp)

    def do_GET(self) -> None:
        self._serve(with_body=True)

    def do_HEAD(self) -> None:
        self._serve(with_body=False)

    def _serve(self, *, with_body: bool) -> None:
        if self.path == COUNTERS:
            body = json.dumps(self.faults.counts()).encode()
            self._send(Reply.page(HTTPStatus.OK, "application/json", body), with_body=with_body)
            return
        try:
            served = self._served()
        except ValueError:  # BadTarget, or a target loop_origin cannot split
            body = b"<html><head><title>400 Bad Request</title></head><body><h1>Bad Request</h1></body></html>"
            self._send(Reply.page(HTTPStatus.BAD_REQUEST, "text/html; charset=utf-8", body), with_body=with_body)
            return
        fault = None if self.path.startswith(LOG_MARKER) else self.faults.next(self.path)
        self._send(served.reply() if fault is None else fault_reply(*fault, served, self.path), with_body=with_body)

    def _served(self) -> Served:
        path = resolve(self.root, loop_origin(self.path))
        if path is None:
            body = b"<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>"
            return Served(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", body)
        return Served(HTTPStatus.OK, _content_type(path), path.read_bytes())

    def _send(self, reply: Reply, *, with_body: bool) -> None:
        if reply.delay:
            time.sleep(reply.delay)
        if reply.reset:
            self.log_request(RESET_STATUS)
            self.close_connection = True
            # SO_LINGER on with a zero timeout: close() sends RST instead of FIN. The socket
            # closes for real once the handler releases its reader (in finish()).
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            return
        if reply.send is not None or reply.length is None:
            self.close_connection = True
        # The client may have given up (a timeout, a size limit): that is no server error.
        try:
            self.send_response(reply.status)
            for name, value in reply.headers:
                self.send_header(name, value)
            if reply.length is not None:
                self.send_header("Content-Length", str(reply.length))
            self.end_headers()
            if with_body:
                body = reply.body if reply.send is None else reply.body[: reply.send]
                for start in range(0, len(body), _CHUNK):
                    self.wfile.write(body[start : start + _CHUNK])
        except ConnectionError:
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        if not self.quiet:
            super().log_message(format, *args)

    def log_date_time_string(self) -> str:
        # to the millisecond, so the log shows how far apart requests came (a retry's wait)
        return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that hangs up mid-request (a crawler's timeout) is routine for a faulty mirror.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


def _content_type(path: Path) -> str:
    if path.suffix == ".html":
        return "text/html; charset=utf-8"
    guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") or guessed.endswith("xml") else guessed


class Mirror:
    """A mirror server running in a background thread (``with Mirror(root) as base_url: ...``);
    ``as_of``: the moment every reply's ``Date`` header gives (default: now)."""

    def __init__(
        self,
        root: Path = FIXTURES,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        quiet: bool = True,
        faults: Sequence[Rule] = (),
        as_of: datetime | None = None,
    ) -> None:
        if not (root / "index.html").is_file():
            raise FileNotFoundError(f"{root} holds no index.html: not a site mirror")
        self.faults = Faults(faults)
        handler = partial(MirrorHandler, root=root.resolve(), faults=self.faults, quiet=quiet, as_of=as_of)
        self.server = _Server((host, port), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, name="mirror", daemon=True)

    @property
    def base_url(self) -> str:
        """``http://host:port`` the mirror answers on."""
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> str:
        """Start serving; returns the base URL."""
        self.thread.start()
        return self.base_url

    def stop(self) -> None:
        """Stop serving and release the port."""
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# A request line of ``newscrawl mirror --verbose``: '127.0.0.1 - - [date] "GET /path HTTP/1.1" 200 -'.
_LOGGED_REQUEST = re.compile(r'\[([^\]]+)\] "([A-Z]+) (\S+) HTTP/[\d.]+" (\d{3})')


@dataclass
class MirrorProcess:
    """A ``newscrawl mirror`` in its own process (for tests and benchmarks) and the base URL it
    printed. Started with ``log_requests``, it records every request it answered, in order, as
    ``(method, target, status)`` in :attr:`requests` (status 0: the connection was reset), and
    when the server answered each, as UNIX time, in :attr:`times`."""

    process: subprocess.Popen[str]
    base_url: str
    requests: list[tuple[str, str, int]] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    reader: threading.Thread | None = None
    rule_file: Path | None = None

    @classmethod
    def start(
        cls,
        root: Path,
        *,
        log_requests: bool = False,
        faults: list[dict[str, Any]] | Path | None = None,
        as_of: datetime | None = None,
    ) -> MirrorProcess:
        """Start ``newscrawl mirror --port 0 --root ROOT``, with the fault rules ``faults`` (a rule
        file, or rules to write to one: see :mod:`newscrawl.mirror.faults`) if given, replaying the
        moment ``as_of`` if given; returns it running. Raises :class:`RuntimeError` if it does not
        start (a bad rule, say)."""
        command = [sys.executable, "-m", "newscrawl.cli", "mirror", "--port", "0", "--root", str(root)]
        if as_of is not None:
            command += ["--as-of", as_of.isoformat()]
        rule_file = None
        if isinstance(faults, list):
            with tempfile.NamedTemporaryFile("w", suffix=".json", prefix="faults-", delete=False, encoding="utf-8") as out:
                json.dump(faults, out)
            faults = rule_file = Path(out.name)
        if faults is not None:
            command += ["--faults", str(faults)]
        if log_requests:
            command.append("--verbose")
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if not line.startswith("http://"):
            process.kill()
            _, stderr = process.communicate(timeout=10)
            if rule_file is not None:
                rule_file.unlink(missing_ok=True)
            raise RuntimeError(f"newscrawl mirror did not start: {line!r} {stderr}")
        mirror = cls(process, line, rule_file=rule_file)
        # read standard error as it comes, so a long run never fills the pipe and stalls the server
        mirror.reader = threading.Thread(target=mirror._read_log, name="mirror-log", daemon=True)
        mirror.reader.start()
        return mirror

    def stop(self) -> int:
        """Stop the server (SIGTERM) and return its exit status."""
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=30)
        if self.reader is not None:
            self.reader.join(timeout=10)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
        if self.rule_file is not None:
            self.rule_file.unlink(missing_ok=True)
        return code

    def faults(self) -> dict[str, Any]:
        """The server's counters: ``{"requests": int, "injected": {mode: int}}`` (requests: every
        one answered, except these and the log's markers)."""
        with urllib.request.urlopen(self.base_url + COUNTERS, timeout=30) as response:
            counts: dict[str, Any] = json.load(response)
        return counts

    def requests_since(self, start: int) -> list[tuple[str, str, int]]:
        """The requests logged from index ``start`` on, once the log has caught up with the
        server (a marker request, not returned, tells when)."""
        marker = f"{LOG_MARKER}{len(self.requests)}-{time.monotonic_ns()}"
        with contextlib.suppress(urllib.error.HTTPError):
            urllib.request.urlopen(self.base_url + marker, timeout=30).close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            targets = [target for _, target, _ in self.requests]
            if marker in targets:
                return self.requests[start : targets.index(marker)]
            time.sleep(0.01)
        raise RuntimeError("the mirror's request log did not catch up")

    def _read_log(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            match = _LOGGED_REQUEST.search(line)
            if match:
                self.times.append(datetime.fromisoformat(match[1]).timestamp())
                self.requests.append((match[2], match[3], int(match[4])))
