"""Preview: `perfdecl build --watch` rebuilds what changed on save and serves the forms
on localhost, reloading the open page after each rebuild.

The build folder is served as it is; HTML pages get a small script on the way out
(never in the files) that asks the server, once a second, which rebuild it is on, and
reloads when that changes. Rebuilds are the incremental build: a saved declaration
costs its unit only.
"""

from __future__ import annotations

import http.server
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


class Preview:
    """The served build folder and the number of the latest rebuild."""

    def __init__(self, out: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        self.out = out
        self.rebuild = 0
        preview = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, directory=str(out), **kwargs)

            def do_GET(self) -> None:
                if self.path == "/__perfdecl/rebuild":
                    self._send(str(preview.rebuild).encode(), "text/plain")
                    return
                page = self.translate_path(self.path)
                if os.path.isdir(page):
                    page = os.path.join(page, "index.html")
                if page.endswith(".html") and os.path.isfile(page):
                    with open(page, "rb") as f:
                        html = f.read()
                    self._send(html.replace(b"</body>", RELOAD + b"</body>", 1),
                               "text/html; charset=utf-8")
                    return
                super().do_GET()

            def _send(self, body: bytes, kind: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the terminal shows rebuilds, not requests

        self.server = http.server.ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else host
        return f"http://{name}:{port}/"

    def start(self) -> None:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


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
          stop: threading.Event | None = None) -> None:
    """Rebuilds whenever a declaration or template changes, until Ctrl-C (or `stop`)."""
    last = snapshot(paths, templates)
    while not (stop and stop.is_set()):
        time.sleep(interval)
        now = snapshot(paths, templates)
        if now != last:
            last = now
            rebuild()
            preview.rebuild += 1
