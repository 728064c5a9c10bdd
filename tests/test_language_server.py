"""The schemas in a real editor's language server: yaml-language-server (npm, installed
by scripts/setup --dev) over stdio, asked for completion and hover on a declaration, and
publishing a diagnostic for a wrong value — with the schema's Chinese titles."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

from .conftest import DECLARATIONS, REPO

pytestmark = pytest.mark.slow  # runs the npm language server

SERVER = REPO / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"


class Client:
    """Just enough of the Language Server Protocol: framed JSON-RPC over pipes."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(["node", str(SERVER), "--stdio"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while (line := stream.readline().decode("ascii")) not in ("\r\n", ""):
                if line.lower().startswith("content-length:"):
                    length = int(line.split(":")[1])
            if not line:
                return
            self.messages.put(json.loads(stream.read(length)))

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: dict[str, Any]) -> Any:
        self.next_id += 1
        mine = self.next_id
        self.send({"id": mine, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == mine and "method" not in m)["result"]

    def wait(self, wanted: Any, timeout: float = 30) -> dict[str, Any]:
        """The next message `wanted` accepts, answering the server's own requests."""
        while True:
            message = self.messages.get(timeout=timeout)
            if "method" in message and "id" in message:  # the server asks something
                settings = {"validate": True, "hover": True, "completion": True,
                            "schemaStore": {"enable": False}}
                items = message.get("params", {}).get("items", [])
                result = [settings for _ in items] if message["method"] == \
                    "workspace/configuration" else None
                self.send({"id": message["id"], "result": result})
                continue
            if wanted(message):
                return message

    def close(self) -> None:
        self.process.kill()
        self.process.wait()


@pytest.fixture
def client(tmp_path: Path):  # type: ignore[no-untyped-def]
    if not SERVER.is_file():
        pytest.fail("yaml-language-server is missing: run ./scripts/setup --dev")
    lsp = Client()
    lsp.request("initialize", {
        "processId": None, "rootUri": tmp_path.as_uri(),
        "capabilities": {"textDocument": {
            "completion": {"completionItem": {"documentationFormat": ["markdown", "plaintext"]}},
            "hover": {"contentFormat": ["markdown", "plaintext"]},
            "publishDiagnostics": {}},
            "workspace": {"configuration": True}}})
    lsp.notify("initialized", {})
    lsp.notify("workspace/didChangeConfiguration", {"settings": {"yaml": {
        "validate": True, "hover": True, "completion": True,
        "schemaStore": {"enable": False}}}})
    yield lsp
    lsp.close()


def open_declaration(lsp: Client, folder: Path, text: str) -> str:
    """Opens `text` as a declaration whose modeline names perfdecl's schema."""
    schema = (REPO / "schema" / "declaration.json").as_uri()
    body = f"# yaml-language-server: $schema={schema}\n" + "\n".join(
        line for line in text.splitlines() if not line.startswith("# yaml-language-server"))
    uri = (folder / "declaration.yaml").as_uri()
    lsp.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "yaml", "version": 1, "text": body + "\n"}})
    return uri


def text_of(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def test_hover_and_completion_speak_chinese(client: Client, tmp_path: Path) -> None:
    source = (DECLARATIONS / "2024/yangxin-ylbx/jihe-gongzuo.yaml").read_text(encoding="utf-8")
    uri = open_declaration(client, tmp_path, source)
    body_lines = [x for x in source.splitlines() if not x.startswith("# yaml-language-server")]
    row = 1 + next(i for i, x in enumerate(body_lines) if x.startswith("fiscal_year:"))
    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                  "position": {"line": row, "character": 2}})
    assert "年度" in text_of(hover) and "申报的预算年度" in text_of(hover), hover
    # completion on a new line inside `funding:` offers its fields with their titles
    funding = 1 + next(i for i, x in enumerate(body_lines) if x.startswith("funding:"))
    client.notify("textDocument/didChange", {
        "textDocument": {"uri": uri, "version": 2},
        "contentChanges": [{"range": {"start": {"line": funding + 1, "character": 0},
                                      "end": {"line": funding + 1, "character": 0}},
                            "text": "  \n"}]})
    items = client.request("textDocument/completion", {
        "textDocument": {"uri": uri}, "position": {"line": funding + 1, "character": 2}})
    labels = [i["label"] for i in (items["items"] if isinstance(items, dict) else items)]
    assert "own" in labels and "other" in labels, labels
    assert "自有资金" in text_of(items)


def test_wrong_value_gets_a_diagnostic(client: Client, tmp_path: Path) -> None:
    source = (DECLARATIONS / "2024/yangxin-ylbx/jihe-gongzuo.yaml").read_text(encoding="utf-8")
    broken = source.replace("fiscal_year: 2024", "fiscal_year: 二〇二四")
    uri = open_declaration(client, tmp_path, broken)
    message = client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                          and m["params"]["uri"] == uri and m["params"]["diagnostics"])
    diagnostics = message["params"]["diagnostics"]
    row = 1 + [x for x in broken.splitlines()
               if not x.startswith("# yaml-language-server")].index("fiscal_year: 二〇二四")
    assert any(d["range"]["start"]["line"] == row and "integer" in d["message"].lower()
               for d in diagnostics), diagnostics
