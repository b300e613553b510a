"""A static HTTP server for a site mirror on disk (the bundled fixtures, or any folder laid out alike).

URL → file mapping (``fixtures/README.md`` explains why):

- ``/a/b`` → ``ROOT/a/b/index.html``, ``/`` → ``ROOT/index.html``;
- ``/a/b?Q`` → ``ROOT/a/b/index@Q.html`` (e.g. ``/news/politics?page=2``);
- a file that exists as named (``/robots.txt``, ``/sitemaps/all.xml``) is served as itself.

Anything else is a 404. Paths never leave ``ROOT``.
"""

from __future__ import annotations

import contextlib
import mimetypes
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

#: The bundled mirror of english.almayadeen.net.
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "site"


def resolve(root: Path, target: str) -> Path | None:
    """The file that serves a request target (path and query), or ``None``."""
    parts = urlsplit(target)
    relative = unquote(parts.path).strip("/")
    base = (root / relative).resolve()
    if base != root and root not in base.parents:
        return None
    if parts.query:
        candidate = base / f"index@{unquote(parts.query)}.html"
    elif base.is_file():
        candidate = base
    else:
        candidate = base / "index.html"
    candidate = candidate.resolve()
    if root not in candidate.parents or not candidate.is_file():
        return None
    return candidate


class MirrorHandler(BaseHTTPRequestHandler):
    """Serves files under ``root`` by the mapping above."""

    server_version = "newscrawl-mirror"

    def __init__(self, *args: object, root: Path, quiet: bool = True, **kwargs: object) -> None:
        self.root = root
        self.quiet = quiet
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def do_GET(self) -> None:
        self._serve(with_body=True)

    def do_HEAD(self) -> None:
        self._serve(with_body=False)

    def _serve(self, *, with_body: bool) -> None:
        path = resolve(self.root, self.path)
        if path is None:
            body = b"<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>"
            self.send_response(HTTPStatus.NOT_FOUND)
            content_type = "text/html; charset=utf-8"
        else:
            body = path.read_bytes()
            self.send_response(HTTPStatus.OK)
            content_type = _content_type(path)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        if not self.quiet:
            super().log_message(format, *args)


def _content_type(path: Path) -> str:
    if path.suffix == ".html":
        return "text/html; charset=utf-8"
    guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") or guessed.endswith("xml") else guessed


class Mirror:
    """A mirror server running in a background thread (``with Mirror(root) as base_url: ...``)."""

    def __init__(self, root: Path = FIXTURES, host: str = "127.0.0.1", port: int = 0, *, quiet: bool = True) -> None:
        if not (root / "index.html").is_file():
            raise FileNotFoundError(f"{root} holds no index.html: not a site mirror")
        self.server = ThreadingHTTPServer((host, port), partial(MirrorHandler, root=root.resolve(), quiet=quiet))
        self.server.daemon_threads = True
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
_LOGGED_REQUEST = re.compile(r'"([A-Z]+) (\S+) HTTP/[\d.]+" (\d{3})')


@dataclass
class MirrorProcess:
    """A ``newscrawl mirror`` in its own process (for tests and benchmarks) and the base URL it
    printed. Started with ``log_requests``, it records every request it answered, in order, as
    ``(method, target, status)`` in :attr:`requests`."""

    process: subprocess.Popen[str]
    base_url: str
    requests: list[tuple[str, str, int]] = field(default_factory=list)
    reader: threading.Thread | None = None

    @classmethod
    def start(cls, root: Path, *, log_requests: bool = False) -> MirrorProcess:
        """Start ``newscrawl mirror --port 0 --root ROOT``; raises :class:`RuntimeError` if it does not."""
        command = [sys.executable, "-m", "newscrawl.cli", "mirror", "--port", "0", "--root", str(root)]
        process = subprocess.Popen(
            [*command, "--verbose"] if log_requests else command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if not line.startswith("http://"):
            process.kill()
            _, stderr = process.communicate(timeout=10)
            raise RuntimeError(f"newscrawl mirror did not start: {line!r} {stderr}")
        mirror = cls(process, line)
        if log_requests:
            # read the log as it comes, so a long run never fills the pipe and stalls the server
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
        return code

    def requests_since(self, start: int) -> list[tuple[str, str, int]]:
        """The requests logged from index ``start`` on, once the log has caught up with the
        server (a marker request, not returned, tells when)."""
        marker = f"/__log-marker-{len(self.requests)}-{time.monotonic_ns()}"
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
                self.requests.append((match[1], match[2], int(match[3])))
