"""Preview: `perfdecl build --watch` rebuilds what changed on save and serves the forms
on localhost, reloading the open page after each rebuild.

Only the build's outputs are served (the files it recorded writing, the index, the
manifest and the zips: buildfolder.served), each read as the regular file it is; never
the state folder, a listing, or a link. Only requests naming this machine
(localhost, 127.0.0.1 or [::1] with the port) are answered: a web page elsewhere
could otherwise read the forms by pointing its own name at 127.0.0.1 (DNS rebinding).
HTML pages get a small script on the way out (never in the files) that asks the server,
once a second, which rebuild it is on, and reloads when that changes. Rebuilds are the
incremental build: a saved declaration costs its unit only.
"""

from __future__ import annotations

import http.server
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import buildfolder
from .buildfolder import CACHE, INDEX, STATE, ZIPS
from .i18n import _

RELOAD = b"""<script>
(function () {
  var seen = null;
  setInterval(function () {
    fetch("/__perfdecl/rebuild").then(function (r) { return r.text(); }).then(function (n) {
      if (seen !== null && n !== seen) { location.reload(); }
      seen = n;
    }).catch(function () {});
  }, 1000);
})();
</script>
"""


HOSTS = ("localhost", "127.0.0.1", "[::1]")

CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".json": "application/json",
         ".pdf": "application/pdf", ".zip": "application/zip",
         ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


class Preview:
    """The served build folder and the number of the latest rebuild."""

    def __init__(self, out: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        self.out = out
        self.rebuild = 0
        preview = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._answer(body=True)

            def do_HEAD(self) -> None:
                self._answer(body=False)

            def _answer(self, body: bool) -> None:
                if not preview.allowed(self.headers.get("Host")):
                    self._send(403, b"perfdecl's preview answers on localhost only\n",
                               "text/plain; charset=utf-8", body)
                    return
                found = preview.page(self.path)
                if found is None:
                    self._send(404, b"not found\n", "text/plain; charset=utf-8", body)
                else:
                    self._send(200, *found, body)

            def _send(self, status: int, data: bytes, kind: str, body: bool) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                self.send_header("X-Content-Type-Options", "nosniff")
                self.end_headers()
                if body:
                    self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the terminal shows rebuilds, not requests

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                error = sys.exc_info()[1]
                if not isinstance(error, ConnectionError):  # a browser gone mid-answer: no news
                    sys.stderr.write("perfdecl: " + _("preview: {error_type}: {error}").format(
                        error_type=type(error).__name__, error=error) + "\n")

        self.server = Server((host, port), Handler)
        self._seen: tuple[object, ...] = ()
        self._served: set[str] = set()

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def url(self) -> str:
        host = self.server.server_address[0]
        name = host.decode() if isinstance(host, bytes) else host
        return f"http://{name}:{self.port}/"

    def allowed(self, host: str | None) -> bool:
        """Whether a request's Host names this machine and port."""
        if host is None:
            return False
        host = host.strip().lower()
        return any(host == f"{name}:{self.port}" or (self.port == 80 and host == name)
                   for name in HOSTS)

    def page(self, target: str) -> tuple[bytes, str] | None:
        """The bytes and type of what a request path names, if the build wrote it."""
        if target == "/__perfdecl/rebuild":
            return str(self.rebuild).encode(), "text/plain"
        path = urllib.parse.unquote(urllib.parse.urlsplit(target).path, errors="replace")
        rel = path.removeprefix("/") or INDEX
        if rel not in self.served():
            return None
        where = buildfolder.inside(self.out, rel)
        try:
            data = buildfolder.read_regular(where) if where else None
        except OSError:
            return None
        if data is None:
            return None
        kind = CONTENT_TYPES.get(Path(rel).suffix, "application/octet-stream")
        if rel.endswith(".html"):
            data = data.replace(b"</body>", RELOAD + b"</body>", 1)
        return data, kind

    def served(self) -> set[str]:
        """buildfolder.served, read again when the build's record changes."""
        seen = tuple(_stamp(self.out / STATE / name) for name in (CACHE, ZIPS))
        if seen != self._seen:
            self._served, self._seen = buildfolder.served(self.out), seen
        return self._served

    def start(self) -> None:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _stamp(path: Path) -> tuple[int, int] | None:
    info = buildfolder.regular(path)
    return (info.st_mtime_ns, info.st_size) if info else None


def snapshot(paths: list[Path], templates: list[Path]) -> dict[str, tuple[int, int]]:
    """Size and modification time of every declaration and template: what a save
    changes."""
    seen: dict[str, tuple[int, int]] = {}
    for root in [*paths, *templates]:
        if root.is_file():
            files = [root]
        elif root.is_dir():
            files = [p for p in root.rglob("*") if p.is_file()]
        else:
            continue
        for file in files:
            try:
                info = file.stat()
            except OSError:
                continue
            seen[str(file)] = (info.st_size, info.st_mtime_ns)
    return seen


def watch(rebuild: Callable[[], None], paths: list[Path], templates: list[Path],
          preview: Preview, interval: float = 0.5,
          stop: threading.Event | None = None,
          since: dict[str, tuple[int, int]] | None = None) -> None:
    """Rebuilds whenever a declaration or template changes, until Ctrl-C (or `stop`);
    `since`: the snapshot the last build started from (a save during it is built)."""
    last = snapshot(paths, templates) if since is None else since
    while not (stop and stop.is_set()):
        time.sleep(interval)
        now = snapshot(paths, templates)
        if now != last:
            last = now
            rebuild()
            preview.rebuild += 1
