"""Editors' help, through the language server editors run: yaml-language-server (npm, pinned).

A small LSP client (JSON-RPC over stdio, Content-Length framing) opens a record scaffolded by
`campus new` in a copy of the project (so its `# yaml-language-server: $schema=../../schemas/…`
first line resolves), asks completion at the top level and hover on every field, and reads what
an editor would show: every field has its French description, and fields with choices their
French labels. One server process serves every assertion.
"""

from __future__ import annotations

import json
import queue
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from conftest import ROOT
from mkdocs_campus.catalogue import records as r
from mkdocs_campus.commands.cli import main

SERVER = ROOT / "node_modules" / ".bin" / "yaml-language-server"
TIMEOUT = 30
SETTINGS = {"yaml": {"validate": True, "hover": True, "completion": True, "format": {"enable": False},
                     "schemaStore": {"enable": False}, "disableAdditionalProperties": False}}


class LanguageServer:
    """A language server driven over stdio, as an editor does."""

    def __init__(self, command: list[str], root: Path):
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, cwd=root)
        self.messages: queue.Queue = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        stream = self.process.stdout
        while True:
            headers = {}
            while (line := stream.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("ascii").partition(":")
                headers[name.strip().lower()] = value.strip()
            if not line:
                self.messages.put(None)
                return
            self.messages.put(json.loads(stream.read(int(headers["content-length"]))))

    def _send(self, message: dict):
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: dict):
        self._send({"method": method, "params": params})

    def request(self, method: str, params: dict):
        self.next_id += 1
        wanted = self.next_id
        self._send({"id": wanted, "method": method, "params": params})
        while True:
            message = self.messages.get(timeout=TIMEOUT)
            assert message is not None, "yaml-language-server s'est arrêté"
            if "method" in message and "id" in message:  # the server asks the editor something
                result = [SETTINGS.get(item.get("section", ""), SETTINGS) for item in
                          message["params"].get("items", [])] if message["method"] == "workspace/configuration" else None
                self._send({"id": message["id"], "result": result})
            elif message.get("id") == wanted:
                assert "error" not in message, message["error"]
                return message["result"]

    def close(self):
        try:
            self.request("shutdown", {})
            self.notify("exit", {})
            self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A copy of the project's schemas with one record of each type scaffolded by `campus new`."""
    root = tmp_path_factory.mktemp("editeur")
    shutil.copytree(ROOT / "schemas", root / "schemas")
    for name in r.RECORD_TYPES:
        assert main(["new", name, f"Nouvelle fiche {name}", "--catalogue", str(root / "catalogue")]) == 0
    return root


@pytest.fixture(scope="module")
def server(project):
    if not SERVER.exists():
        pytest.fail("yaml-language-server manque : `make npm` l'installe (package-lock.json).")
    ls = LanguageServer([str(SERVER), "--stdio"], project)
    ls.request("initialize", {
        "processId": None, "rootUri": project.as_uri(),
        "workspaceFolders": [{"uri": project.as_uri(), "name": "campus"}],
        "capabilities": {"textDocument": {
            "completion": {"completionItem": {"documentationFormat": ["markdown", "plaintext"],
                                              "snippetSupport": True}},
            "hover": {"contentFormat": ["markdown", "plaintext"]}},
            "workspace": {"configuration": True}},
    })
    ls.notify("initialized", {})
    ls.notify("workspace/didChangeConfiguration", {"settings": SETTINGS})
    yield ls
    ls.close()


def _text(documentation) -> str:
    if isinstance(documentation, dict):
        return documentation.get("value", "")
    return documentation or ""


def _uncommented(scaffold: str, fields: list[str]) -> str:
    """The scaffold with every optional field written out, as an editor fills them in."""
    return scaffold + "".join(f"{name}:\n" for name in fields if not re.search(rf"(?m)^{name}:", scaffold))


def _position(text: str, field: str) -> dict:
    lines = text.split("\n")
    line = next(i for i, line in enumerate(lines) if line.startswith(f"{field}:"))
    return {"line": line, "character": 1}


WORDS = re.compile(r"[A-Za-zÀ-ÿœ'’]{2,}")


def _description(shown: str) -> str:
    """What an editor shows besides the field's title heading and the schema's source link."""
    return "\n".join(line for line in shown.split("\n")
                     if not line.startswith(("#### ", "Source: ["))).strip()


def _is_description(text: str) -> bool:
    return len(WORDS.findall(text)) >= 2


def _labels(field: str, model) -> dict[str, str]:
    """French labels of a field's choices, or {} when it has none (read from the model)."""
    schema = model.model_json_schema()["properties"][field]
    node = next((s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"), schema)
    node = node.get("items", node)
    values = node.get("enum", [])
    return next(labels for labels in r.VOCABULARIES if list(labels) == values) if values else {}


@pytest.mark.parametrize("type_name", list(r.RECORD_TYPES))
def test_every_field_shows_its_french_description_and_choices(server, project, type_name):
    record_type = r.RECORD_TYPES[type_name]
    path = next((project / "catalogue" / record_type.folder).glob("*.yml"))
    scaffold = path.read_text(encoding="utf-8")
    uri = path.as_uri()
    server.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "yaml", "version": 1, "text": scaffold + "\n"}})
    fields = list(record_type.model.model_fields)

    # Completion on a new top-level line: the fields not written yet, each with its help.
    end = {"line": len(scaffold.split("\n")) - 1, "character": 0}
    result = server.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": end})
    items = {item["label"]: item for item in (result["items"] if isinstance(result, dict) else result)}
    present = {name for name in fields if re.search(rf"(?m)^{name}:", scaffold)}
    problems = []
    for name in fields:
        if name in present:
            continue
        if name not in items:
            problems.append(f"{name} : pas proposé à la complétion")
            continue
        doc = _text(items[name].get("documentation"))
        if not _is_description(_description(doc)):
            problems.append(f"{name} : complétion sans description")
        problems += [f"{name} : libellé « {label} » ({value}) absent de la complétion"
                     for value, label in _labels(name, record_type.model).items() if label not in doc]

    # Hover on each field once written out: its title, its description, its choices' labels.
    text = _uncommented(scaffold, fields)
    server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"text": text}]})
    for name in fields:
        hover = server.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                      "position": _position(text, name)})
        shown = _text(hover["contents"]) if hover else ""
        title = record_type.model.model_fields[name].title
        if title not in shown:
            problems.append(f"{name} : titre absent du survol")
        if not _is_description(_description(shown)):
            problems.append(f"{name} : survol sans description")
        problems += [f"{name} : libellé « {label} » ({value}) absent du survol"
                     for value, label in _labels(name, record_type.model).items() if label not in shown]
    # Completion of a value: each choice with its label.
    scalar_choices = [name for name in fields if _labels(name, record_type.model)
                      and "items" not in record_type.model.model_json_schema()["properties"][name]]
    text = re.sub(rf"(?m)^({'|'.join(scalar_choices) or '-'}):$", r"\1: ", text)
    server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3},
                                             "contentChanges": [{"text": text}]})
    for name in scalar_choices:
        position = {**_position(text, name), "character": len(name) + 2}
        result = server.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": position})
        offered = {item["label"]: _text(item.get("documentation"))
                   for item in (result["items"] if isinstance(result, dict) else result)}
        problems += [f"{name} : la valeur {value} n'est pas proposée avec son libellé « {label} »"
                     for value, label in _labels(name, record_type.model).items() if offered.get(value) != label]
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert problems == [], "\n".join(problems)
