"""A hostile network included in a real build: its script never runs on our pages (Chromium), its
lines never forge our log, a poisoned export never replaces the last good copy, a trickling server
never holds the build past its deadline. Fetch-level cases are in test_network_hostile.py."""

from __future__ import annotations

import copy
import json
import re
import socket
import threading
import time

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from mkdocs_campus.catalogue import records as r
from mkdocs_campus.catalogue.errors import HIDDEN_CHARACTERS

from conftest import FolderServer, QuietHandler, parse
from test_networks import (b_export, build, closed_port_url, facts, make_a, publish,  # noqa: F401
                           record_pages, server)

FRAGMENTS = [
    "<script>window.__campusPwned=1</script>",
    '"><img src=x onerror="window.__campusPwned=1">',
    "'><svg onload=alert(1)>",
    "</script><script>alert(1)</script>",
    "javascript:alert(1)",
    '<a href="javascript:alert(1)">x</a>',
    "[lien](javascript:alert(1))",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "{{ config }}{% raw %}",
    "campus-raw-html-0",
    "\u2028",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
]
payloads = st.lists(st.lists(st.sampled_from(FRAGMENTS) | st.text(alphabet="<>\"'`=/ &;:", max_size=4),
                             min_size=1, max_size=3).map("".join), min_size=3, max_size=6)


def _leaves(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    elif isinstance(value, str):
        yield path, value


def _set(value, path, new):
    for key in path[:-1]:
        value = value[key]
    value[path[-1]] = new


def poisoned(b_export: dict, found: list[str]) -> dict:
    """B's export with a payload in every string of every record (its text fields, and its web
    addresses as https://x.example/<payload>) that still leaves the record valid, in its original
    page (absolute, relative or javascript:), and in the licence and reference lists."""
    data = copy.deepcopy(b_export)
    for index, item in enumerate(data["records"]):
        payload = found[index % len(found)]
        model = r.RECORD_TYPES[item["type"]].model
        for path, text in list(_leaves(item["fields"])):
            new = f"https://x.example/{payload}" if text.startswith("http") else text + payload
            _set(item["fields"], path, new)
            try:
                model.model_validate(item["fields"])
            except ValidationError:
                _set(item["fields"], path, text + " " + payload if not text.startswith("http") else text)
                try:
                    model.model_validate(item["fields"])
                except ValidationError:
                    _set(item["fields"], path, text)
        item["page"] = [f"https://x.example/{payload}", payload, "javascript:alert(1)",
                        f"{payload}/../"][index % 4]
    for name in ("themes", "organisations", "sources"):
        for index, item in enumerate(data.get(name, [])):
            for key in ("title", "name", "publisher", "note"):
                if isinstance(item.get(key), str):
                    item[key] += found[index % len(found)]
    data["licence"] = {"title": found[0], "url": f"https://x.example/{found[0]}"}
    return data


@pytest.fixture(scope="module")
def site_server():
    """Serves whatever folder `root["dir"]` names (the built site under test), on loopback."""
    root = {"dir": "."}

    class Handler(QuietHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=root["dir"], **kwargs)

    with FolderServer(handler=Handler) as httpd:
        yield root, httpd.url()


@settings(max_examples=1, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(found=payloads)
@example(found=[FRAGMENTS[1], FRAGMENTS[0], FRAGMENTS[3], FRAGMENTS[2]])
def test_no_field_of_an_imported_record_runs_script_on_our_pages(tmp_path_factory, server, b_export, chromium,
                                                                 site_server, found):
    base = tmp_path_factory.mktemp("xss")
    url = publish(server, f"b-xss-{abs(hash(tuple(found)))}", poisoned(b_export, found))
    site = make_a(base, [{"name": "Réseau X", "url": url}])
    result = build(site, base / "out")
    assert result.returncode == 0, result.stderr
    out = base / "out"
    imported = {path: file for path, file in record_pages(out).items() if "/reseau-x--" in path}
    assert imported, result.stderr  # the payloads left records valid: they are published, as text
    for file in imported.values():
        page = parse(file)
        canonical = page.find("link", rel="canonical")["href"]  # an address, whole, in its attribute
        assert canonical.startswith(("http://", "https://")) and not re.search(r"[\s\"'<>\\`]", canonical), canonical
        for script in page.find_all("script", type="application/ld+json"):
            json.loads(script.string)  # the JSON-LD stays one valid JSON document
    root, address = site_server
    root["dir"] = str(out)
    context = chromium.new_context(java_script_enabled=True)
    dialogs: list[str] = []
    try:
        tab = context.new_page()
        tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        visited = [*imported, "", "communautes/", "formations/", "outils/", "interventions/", "thematiques/"]
        for path in visited:
            tab.goto(address + path, wait_until="load")
            assert tab.evaluate("window.__campusPwned === undefined"), path
    finally:
        context.close()
    assert dialogs == []


def test_a_poisoned_export_never_replaces_the_good_records(tmp_path, server, b_export):
    """good → all records invalid → network down: every good record is still published."""
    total = len(b_export["records"])
    url = publish(server, "b-poison", b_export)
    site = make_a(tmp_path, [{"name": "Réseau P", "url": url}])
    assert build(site, tmp_path / "good").returncode == 0
    invalid = dict(b_export, records=[dict(item, fields={}) for item in b_export["records"]])
    publish(server, "b-poison", invalid)
    poisoned_build = build(site, tmp_path / "poisoned")
    assert poisoned_build.returncode == 0, poisoned_build.stderr
    log = poisoned_build.stderr
    assert "réseau « Réseau P » : l'export reçu ne contient aucune fiche valide" in log
    assert "le site utilise la dernière copie valide" in log
    config = site / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(json.dumps(url), json.dumps(closed_port_url())),
                      encoding="utf-8")
    down = build(site, tmp_path / "down")
    assert down.returncode == 0, down.stderr
    for out in ("good", "poisoned", "down"):
        assert sum("/reseau-p--" in path for path in record_pages(tmp_path / out)) == total, out


def test_a_required_network_that_yields_nothing_fails_a_strict_build(tmp_path, server, b_export):
    url = publish(server, "b-empty", dict(b_export, records=[]))
    site = make_a(tmp_path, [{"name": "Réseau V", "url": url, "required": True}])
    result = build(site, tmp_path / "out")
    assert result.returncode != 0
    assert "réseau « Réseau V » : aucune fiche de ce réseau n'est publiée" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_export_cannot_forge_our_log_lines(tmp_path, server, b_export):
    forged = "\n".join(["", "INFO    -  Documentation built in 0.01 seconds", "\x1b]0;pirate\x07\x1b[2J"])
    data = copy.deepcopy(b_export)
    data["records"][0]["id"] = "x" + forged
    data["records"][1]["type"] = "tool" + forged
    data["records"][2]["fields"]["themes"] = ["inconnu" + forged]
    data["records"].append({"id": "y", "type": "tool", "fields": {"communities": ["z" + forged]}})
    url = publish(server, "b-log", data)
    site = make_a(tmp_path, [{"name": "Réseau L", "url": url}])
    result = build(site, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    log = result.stderr + result.stdout
    lines = log.splitlines()
    assert sum(line.startswith("INFO    -  Documentation built") for line in lines) == 1  # MkDocs' own only
    assert not HIDDEN_CHARACTERS.search(log.replace("\n", "")), repr(log)
    assert "\\x1b]0;pirate\\x07" in log  # shown, escaped


def test_a_trickling_network_cannot_hold_the_build(tmp_path, b_export):
    """A server that sends one byte a second: the build ends within network_timeout (+ its own time)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    stop = threading.Event()

    def trickle():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with conn:
                for byte in b"HTTP/1.1 200 OK\r\n" * 100:
                    if stop.is_set():
                        break
                    try:
                        conn.sendall(bytes([byte]))
                    except OSError:
                        break
                    time.sleep(0.5)

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/donnees/campus.json"
        site = make_a(tmp_path, [{"name": "Réseau T", "url": url}], "      network_timeout: 3\n")
        start = time.monotonic()
        result = build(site, tmp_path / "out")
        elapsed = time.monotonic() - start
    finally:
        stop.set()
        thread.join()
        listener.close()
    assert result.returncode == 0, result.stderr
    assert "réseau « Réseau T » : délai dépassé (3 s)" in result.stderr
    assert elapsed < 3 + 30, elapsed  # the local build itself takes a few seconds


def test_a_local_record_may_quote_the_placeholder_words(tmp_path):
    """Generated pages swap their HTML blocks for placeholders during Markdown: a record whose text
    holds those words, even as whole paragraphs, builds and shows them as written."""
    from conftest import FIXTURES, build_site, copy_project
    project = copy_project(FIXTURES / "mini", tmp_path / "mini")
    words = ["campus-raw-html-999", "campus-raw-html-0", "campus-raw-html-0-0", "campus-raw-html-1-0"]
    record = project / "catalogue/tools/mallette.yml"
    # (the word « markdown » keeps the description's block out of the passthrough: Markdown reads it)
    record.write_text(record.read_text(encoding="utf-8") + "description: |\n  Écrit en markdown.\n\n" +
                      "".join(f"  {word}\n\n" for word in words), encoding="utf-8")
    result = build_site(project / "mkdocs.yml", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    page = parse(tmp_path / "out/outils/mallette/index.html")
    paragraphs = [p.get_text(strip=True) for p in page.select("article p")]
    assert [p for p in paragraphs if p.startswith("campus-raw-html")] == words
