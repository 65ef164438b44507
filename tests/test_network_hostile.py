"""Another network's export as an attacker would send it (issue: including other networks safely).

A raw loopback TCP server plays the hostile campus: protocol errors, trickling headers and body,
redirects to other schemes, loops and long chains; local paths that are devices or pipes; JSON
that would take gigabytes or crash the parser; floods of records and of problems; a tampered cached
copy; identifiers that would forge log lines. Each answer must be a French problem, on time and in
bounded memory, never a traceback. The build-level and browser cases are in
test_network_xss_browser.py.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_campus.catalogue.errors import HIDDEN_CHARACTERS
from mkdocs_campus.outputs import network_fetch, networks
from mkdocs_campus.outputs.network_import import ExportError, Network, fetch, import_export, parse_export

from conftest import FIXTURES

TIMEOUT = 2.0


@contextmanager
def raw_server(behave):
    """A loopback TCP server: each connection's request is read, then `behave(conn, path)` answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    stop = threading.Event()

    def serve(conn):
        with conn:
            request = b""
            try:
                while b"\r\n\r\n" not in request:
                    data = conn.recv(4096)
                    if not data:
                        return
                    request += data
                path = request.split(b" ", 2)[1].decode()
                behave(conn, path)
            except OSError:
                pass

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        listener.close()


def answer(raw: bytes):
    return lambda conn, path: conn.sendall(raw)


def fetch_problem(base: str, path: str = "/donnees/campus.json", timeout: float = TIMEOUT) -> str:
    with pytest.raises(ExportError) as caught:
        fetch(base + path, Path("."), timeout=timeout)
    return str(caught.value)


# --- protocol errors --------------------------------------------------------------------------

HEADERS_101 = b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(101)) + b"\r\n{}"
PROTOCOL_ERRORS = {
    "bad-status-line": (b"BONJOUR\r\n\r\n", "réponse du serveur invalide"),
    "more-than-100-headers": (HEADERS_101, "réponse du serveur invalide"),
    "truncated-chunk": (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{\"a\"", "réponse tronquée"),
    "bad-chunk-size": (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
                       "réponse"),
    "short-content-length": (b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{}", "réponse tronquée"),
    "header-too-long": (b"HTTP/1.1 200 OK\r\nX: " + b"a" * 70000 + b"\r\n\r\n{}", "réponse du serveur invalide"),
    "binary-garbage": (bytes(range(256)) * 4, "réponse du serveur invalide"),
    "closed-at-once": (b"", "le serveur a fermé la connexion sans répondre"),
}


@pytest.mark.parametrize("name", sorted(PROTOCOL_ERRORS))
def test_every_protocol_error_is_a_french_problem_not_a_traceback(name):
    raw, expected = PROTOCOL_ERRORS[name]
    with raw_server(answer(raw)) as base:
        message = fetch_problem(base)
    assert message.startswith(expected), message
    assert not HIDDEN_CHARACTERS.search(message) and "\n" not in message


@pytest.mark.parametrize("part", ["status-line", "headers", "body"])
def test_a_trickling_server_is_cut_off_at_the_deadline(part):
    """One byte every 0.2 s: each read succeeds, only the overall deadline stops it."""
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n" + b"X-Slow: " + b"a" * 200 + b"\r\n\r\n"
    prefix = {"status-line": b"", "headers": head[:20], "body": head + b"{\"records\": ["}[part]

    def trickle(conn, path):
        conn.sendall(prefix)
        for _ in range(200):
            conn.sendall(b"0" if part == "body" else b"a")
            time.sleep(0.2)

    with raw_server(trickle) as base:
        start = time.monotonic()
        message = fetch_problem(base)
        elapsed = time.monotonic() - start
    assert message == f"délai dépassé ({TIMEOUT:g} s)"
    assert elapsed < TIMEOUT + 3.0, elapsed  # the server would trickle for 40 s


def test_a_server_that_accepts_and_says_nothing_is_cut_off_at_the_deadline():
    with raw_server(lambda conn, path: time.sleep(10)) as base:
        start = time.monotonic()
        assert fetch_problem(base) == f"délai dépassé ({TIMEOUT:g} s)"
        assert time.monotonic() - start < TIMEOUT + 3.0


def test_a_name_that_takes_long_to_resolve_is_cut_off_at_the_deadline(monkeypatch):
    """getaddrinfo cannot be interrupted: a resolver that answers after 10 s must not hold the build."""
    real = socket.getaddrinfo

    def slow(host, *args, **kwargs):
        if host == "lent.example.org":
            time.sleep(10)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", slow)
    start = time.monotonic()
    assert fetch_problem("http://lent.example.org") == f"délai dépassé ({TIMEOUT:g} s, nom de domaine non résolu)"
    assert time.monotonic() - start < TIMEOUT + 1.0


def test_a_name_that_resolves_connects_within_the_deadline():
    """The resolved address is the one connected to (here localhost → 127.0.0.1)."""
    with raw_server(answer(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")) as base:
        assert fetch(base.replace("127.0.0.1", "localhost") + "/donnees/campus.json", Path("."), timeout=TIMEOUT) == b"{}"


# --- redirects --------------------------------------------------------------------------------

def redirecting(conn, path):
    """/to/<target> redirects to the target; /hop/<n> to /hop/<n+1>; /loop to itself."""
    if path.startswith("/to/"):
        location = path[len("/to/"):]
    elif path.startswith("/hop/"):
        location = f"/hop/{int(path.split('/')[2]) + 1}"
    else:
        location = path
    conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: " + location.encode() + b"\r\nContent-Length: 0\r\n\r\n")


@pytest.mark.parametrize("path, expected", [
    ("/to/file:///etc/passwd", "redirection (302) vers une adresse « file: » refusée : seules les adresses http(s) sont suivies"),
    ("/to/data:application/json,{}", "redirection (302) vers une adresse « data: » refusée"),
    ("/to/ftp://127.0.0.1/campus.json", "redirection (302) vers une adresse « ftp: » refusée"),
    ("/loop", "redirections en boucle (302 vers « http://127.0.0.1:"),
    ("/hop/0", "trop de redirections (plus de 5)"),
])
def test_a_refused_redirect_says_why(path, expected):
    with raw_server(redirecting) as base:
        message = fetch_problem(base, path)
    assert message.startswith(expected), message


def test_a_few_redirects_between_http_addresses_are_followed():
    def serve(conn, path):
        if path.startswith("/hop/") and int(path.split("/")[2]) < 3:
            redirecting(conn, path)
        else:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
    with raw_server(serve) as base:
        assert fetch(base + "/hop/0", Path("."), timeout=TIMEOUT) == b"{}"


# --- local paths ------------------------------------------------------------------------------

def test_only_regular_files_are_read_from_local_paths(tmp_path):
    (tmp_path / "zero.json").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "pipe.json")
    (tmp_path / "folder.json").mkdir()
    for name in ("zero.json", "pipe.json"):
        start = time.monotonic()
        with pytest.raises(ExportError, match="n'est pas un fichier ordinaire"):
            fetch(name, tmp_path, max_bytes=1000)
        assert time.monotonic() - start < 3.0
    with pytest.raises(ExportError, match="fichier illisible|n'est pas un fichier ordinaire"):
        fetch("folder.json", tmp_path)
    (tmp_path / "ok.json").write_bytes(b"{}")
    (tmp_path / "link.json").symlink_to(tmp_path / "ok.json")  # a link to a regular file is read
    assert fetch("link.json", tmp_path) == b"{}"


# --- JSON within bounds -----------------------------------------------------------------------

@pytest.mark.parametrize("body, expected", [
    (b'{"version": "1.0", "records": [], "x": ' + b"9" * 5000 + b"}", "nombre entier de plus de 40 chiffres"),
    (b'{"version": "1.0", "records": [NaN]}', "« NaN » n'est pas du JSON"),
    (b'{"version": "\xc2\xb2.0", "records": []}', "champ « version » invalide"),
    (b'{"version": "\xd9\xa1.0", "records": []}', "champ « version » invalide"),  # Arabic-Indic digit one
    (b"[" + b"0," * network_fetch.MAX_JSON_VALUES + b"0]", "export refusé : plus de 4 000 000 valeurs JSON"),
])
def test_json_that_would_crash_or_swamp_the_parser_is_refused(body, expected):
    with pytest.raises(ExportError) as caught:
        parse_export(body)
    assert expected in str(caught.value)


# --- floods -----------------------------------------------------------------------------------

def new_network(**limits) -> Network:
    return Network("Réseau H", "reseau-h", "http://127.0.0.1/", **limits)


def test_a_flood_of_bad_records_keeps_the_first_problems_and_counts_the_rest(caplog):
    network = new_network()
    import_export(network, {"version": "1.0", "records": [0] * 50_000}, {})
    assert len(network.problems) == 100
    assert network.problem_count() > 10_000  # every record past the limit is counted in one problem
    assert not network.records
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.campus"):
        networks.report(network)
    lines = [entry.getMessage() for entry in caplog.records]
    assert len(lines) == 102  # the 100 kept, how many others, what was included
    assert lines[-2] == f"réseau « Réseau H » : … et {network.more_problems} autres problèmes"
    assert lines[-1] == "réseau « Réseau H » : 0 fiche incluse ()"


def test_records_past_the_limit_are_counted_not_read(b_export_data):
    record = b_export_data["records"][0]
    records = [dict(record, id=f"fiche-{i}") for i in range(30)]
    network = new_network(max_records=12)
    import_export(network, dict(b_export_data, records=records), {})
    assert len(network.records) == 12
    assert str(network.problems[0]).endswith(
        "18 fiches au-delà de la limite de 12 fiches par réseau (network_max_records) ; ignorées")


# The peak is read from /proc (VmHWM, reset once the modules are imported): ru_maxrss would start
# from the pytest process's size, which a forked child inherits as its own peak.
PEAK_SCRIPT = """
import sys, json
from pathlib import Path
from types import SimpleNamespace
from mkdocs_campus.outputs import networks
def peak():
    return int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0])
path = Path(sys.argv[1])
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")
before = peak()
options = SimpleNamespace(name="Réseau H", url=str(path), required=False)
network = networks.load_network(options, path.parent, {}, path.parent / "cache")
print(json.dumps({"records": len(network.records), "problems": network.problem_count()}), file=sys.stderr)
print(peak() - before)
"""


@pytest.mark.parametrize("shape", ["zeros", "floats", "empty-objects", "strings", "minimal-records"])
def test_a_maximal_hostile_export_stays_within_memory_and_time(tmp_path, shape, b_export_data):
    """20 MiB (the default size limit) of the shape costing most per byte: the peak memory of
    loading it stays under 500 MB, and it ends in seconds."""
    limit = network_fetch.DEFAULT_MAX_BYTES - 100
    head = b'{"version": "1.0", "licence": {"title": "x", "url": "https://x.example/"}, "records": ['
    item = {"zeros": b"0,", "floats": b"0.5,", "empty-objects": b"{},", "strings": b'"ab",',
            "minimal-records": json.dumps({"id": "a", "type": "tool", "fields": {}}).encode() + b","}[shape]
    count = min((limit - len(head)) // len(item), network_fetch.MAX_JSON_VALUES - 10)
    (tmp_path / "export.json").write_bytes(head + item * count + b"0]}")
    start = time.monotonic()
    result = subprocess.run([sys.executable, "-c", PEAK_SCRIPT, str(tmp_path / "export.json")],
                            capture_output=True, text=True, timeout=120)
    elapsed = time.monotonic() - start
    assert result.returncode == 0, result.stderr
    peak_kib = int(result.stdout)
    print(f"{shape}: {count} items, peak +{peak_kib // 1024} MiB, {elapsed:.1f} s, {result.stderr.strip()}")
    assert peak_kib < 500 * 1024, peak_kib
    assert elapsed < 60


# --- the last good copy -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def b_export_data(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("b-export")
    result = subprocess.run([sys.executable, "-m", "mkdocs_campus.commands.cli", "export", str(out),
                             "--site-url", "https://b.example.org/"], cwd=FIXTURES / "mini",
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads((out / "campus.json").read_text(encoding="utf-8"))


def load(tmp_path: Path, body: bytes | None) -> Network:
    """Réseau H loaded from a local file holding `body` (None: the file is gone, as a network down)."""
    path = tmp_path / "export.json"
    if body is None:
        path.unlink(missing_ok=True)
    else:
        path.write_bytes(body)
    options = SimpleNamespace(name="Réseau H", url="export.json", required=True)
    return networks.load_network(options, tmp_path, {}, tmp_path / "cache")


def test_the_last_good_copy_survives_poisoning(tmp_path, b_export_data):
    good = json.dumps(b_export_data).encode()
    total = len(b_export_data["records"])
    assert len(load(tmp_path, good).records) == total
    invalid = dict(b_export_data, records=[dict(r, fields={}) for r in b_export_data["records"]])
    poisoned = load(tmp_path, json.dumps(invalid).encode())
    assert len(poisoned.records) == total and poisoned.status == "copie en cache"
    assert str(poisoned.problems[0]).startswith(
        "réseau « Réseau H » : l'export reçu ne contient aucune fiche valide (")
    assert "le site utilise la dernière copie valide (données du " in str(poisoned.problems[0])
    down = load(tmp_path, None)
    assert len(down.records) == total and down.status == "copie en cache"
    # Much poorer (fewer than half as many valid records): the cached copy too.
    poorer = dict(b_export_data, records=b_export_data["records"][:total // 2 - 1])
    kept = load(tmp_path, json.dumps(poorer).encode())
    assert len(kept.records) == total
    assert f"l'export reçu n'a que {total // 2 - 1} fiches valides contre {total}" in str(kept.problems[0])
    # Half as many or more is a real change: taken, and kept as the new last good copy.
    half = dict(b_export_data, records=b_export_data["records"][:(total + 1) // 2])
    assert len(load(tmp_path, json.dumps(half).encode()).records) == (total + 1) // 2
    assert len(load(tmp_path, None).records) == (total + 1) // 2


def test_a_tampered_cached_copy_is_read_with_the_same_checks(tmp_path, b_export_data):
    load(tmp_path, json.dumps(b_export_data).encode())
    (tmp_path / "cache/reseau-h.json").write_bytes(b'{"version": "1.0", "records": [' + b"1" * 5000 + b"]}")
    down = load(tmp_path, None)
    assert not down.records and down.status == "indisponible"
    assert "la copie en cache est inutilisable" in str(down.problems[0])


def test_a_network_yielding_no_record_is_a_warning(tmp_path, b_export_data, caplog):
    empty = load(tmp_path, json.dumps(dict(b_export_data, records=[])).encode())
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.campus"):
        networks.report(empty)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "réseau « Réseau H » : aucune fiche de ce réseau n'est publiée" in warnings
    assert "réseau « Réseau H » : 0 fiche incluse (à jour)" in [r.getMessage() for r in caplog.records]


# --- nothing from an export reaches a log raw -------------------------------------------------

hostile_text = st.lists(st.sampled_from(["\x1b", "]0;", "\x07", "\n", "\r", "INFO    -  ", "\u202e", "\x85",
                                         "\u2028", "a", "é", "-", "[31m"]) | st.characters(), min_size=1,
                        max_size=12).map("".join)


@settings(max_examples=60, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record_id=hostile_text, type_name=hostile_text, reference=hostile_text, theme=hostile_text)
def test_ids_types_and_references_never_forge_a_log_line(b_export_data, caplog, record_id, type_name, reference, theme):
    record = b_export_data["records"][0]
    records = [dict(record, id=record_id), dict(record, id="ok-1", type=type_name),
               dict(record, id="ok-2", fields=dict(record["fields"], themes=[theme], sources=[reference]))]
    network = new_network()
    import_export(network, dict(b_export_data, records=records, licence={"title": theme, "url": reference}), {})
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.campus"):
        networks.report(network)
    for entry in caplog.records:
        message = entry.getMessage()
        assert "\n" not in message and "\r" not in message and not HIDDEN_CHARACTERS.search(message), repr(message)


# --- one URL rule, local or imported ----------------------------------------------------------

url_tail = st.text(st.sampled_from(list("abz09-._~:/?#[]@!$&'()*+,;=%\"<>\\`{}|^ \t\n\x00\x1b\x7fé€")), max_size=30)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(prefix=st.sampled_from(["https://", "http://", "HTTPS://", "javascript:", "ftp://", "//", ""]),
       host=st.sampled_from(["x.example", "127.0.0.1", "[::1]", "exa mple.org", "", "x.example:99999", "%zz"]),
       tail=url_tail)
def test_an_accepted_address_is_one_a_browser_reads_whole(prefix, host, tail):
    """Whatever the text, an address the rule accepts is absolute http(s) with a host for the
    WHATWG parser, and holds nothing that could end an HTML attribute or a log line."""
    import ada_url
    from mkdocs_campus.catalogue import records as r
    text = prefix + host + tail
    if r.web_address_problem(text) is None:
        assert not any(c in text for c in "\"'<>\\` \t\n\r\x00\x1b\x7f"), text
        parsed = ada_url.URL(text)
        assert parsed.protocol in ("http:", "https:") and parsed.hostname, text
    else:
        assert r.web_address_problem(text)  # a French reason, never an exception


def test_a_local_address_breaking_the_rule_is_a_located_problem_with_a_hint(catalogue, capsys):
    from conftest import check
    record = catalogue / "tools/mallette.yml"
    record.write_text(record.read_text(encoding="utf-8") + 'url: "https://x.example/\\"><script>alert(1)</script>"\n',
                      encoding="utf-8")
    code, lines = check(catalogue, capsys)
    assert code == 1
    assert lines[0].startswith("catalogue/tools/mallette.yml:8:6: adresse web invalide « https://x.example/\"><script>")
    assert lines[0].endswith("(caractère interdit guillemet « \" » en position 19)")


# A small wrapper, so that the build's own peak is measured (a child forked from pytest would start
# from pytest's size): its children's ru_maxrss.
BUILD_PEAK = """
import resource, subprocess, sys
result = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(result.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.stderr.write(result.stderr)
"""


def test_a_build_including_a_maximal_hostile_export_stays_within_memory(tmp_path):
    """The same new campus built without, then with, a 20 MiB export of the costliest shape found
    (short strings): the build's peak memory grows by less than 500 MB, and it still succeeds."""
    from conftest import BUILD_ENV, MKDOCS
    subprocess.run([sys.executable, "-m", "mkdocs_campus.commands.cli", "init", "a", "Réseau A"], cwd=tmp_path,
                   check=True, capture_output=True)
    site = tmp_path / "a"
    (site / "node_modules").symlink_to(Path(__file__).resolve().parent.parent / "node_modules")
    head = b'{"version": "1.0", "licence": {"title": "x", "url": "https://x.example/"}, "records": ['
    count = min((network_fetch.DEFAULT_MAX_BYTES - 200 - len(head)) // 5, network_fetch.MAX_JSON_VALUES - 10)
    (tmp_path / "hostile.json").write_bytes(head + b'"ab",' * count + b"0]}")
    base = (site / "mkdocs.yml").read_text(encoding="utf-8")
    (site / "with.yml").write_text(base.replace('      primary_color: "#000091"\n', '      primary_color: "#000091"\n'
                                                "      networks:\n        - name: Hostile\n"
                                                "          url: ../hostile.json\n", 1), encoding="utf-8")
    peaks = {}
    for name in ("mkdocs.yml", "with.yml"):
        result = subprocess.run([sys.executable, "-c", BUILD_PEAK, *MKDOCS, "build", "-f", str(site / name),
                                 "-d", str(tmp_path / f"out-{name}")], capture_output=True, text=True, env=BUILD_ENV,
                                cwd=site, timeout=300)
        code, peak = result.stdout.split()
        assert code == "0", result.stderr
        peaks[name] = int(peak)
    assert "réseau « Hostile » : aucune fiche de ce réseau n'est publiée" in result.stderr
    grown = (peaks["with.yml"] - peaks["mkdocs.yml"]) // 1024
    print(f"build peak: {peaks['mkdocs.yml'] // 1024} MiB without, +{grown} MiB with the hostile export")
    assert grown < 500, grown


def test_a_cached_copy_or_its_state_linked_to_a_device_is_not_read(tmp_path, b_export_data):
    load(tmp_path, json.dumps(b_export_data).encode())
    for name in ("reseau-h.state.json", "reseau-h.json"):
        target = tmp_path / "cache" / name
        target.unlink()
        target.symlink_to("/dev/zero")
        start = time.monotonic()
        down = load(tmp_path, None)
        assert time.monotonic() - start < 5
    assert not down.records and "la copie en cache est inutilisable" in str(down.problems[0])
    assert len(load(tmp_path, json.dumps(b_export_data).encode()).records) == len(b_export_data["records"])
    assert not (tmp_path / "cache/reseau-h.json").is_symlink()  # replaced, not written through
