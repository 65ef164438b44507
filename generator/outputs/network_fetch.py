"""Getting another campus's export as a hostile server would send it: bytes within one deadline and
one size limit, then JSON within bounds.

- **http(s)**: one wall-clock deadline per network holds while resolving the host's name,
  connecting, reading the headers and the body: the name is looked up in a thread the fetch stops
  waiting for, every socket gets the time left as its timeout, and a watchdog shuts the sockets down
  when the deadline passes (a server trickling one byte a second is cut off on time). Redirects
  are followed only to http(s), at most `MAX_REDIRECTS` hops, never in a loop, and a refusal says
  why. Any protocol error (bad status line, too many headers, a truncated chunk…) is an
  `ExportError`, so the caller falls back to its cached copy.
- **local paths**: only a regular file (not a device, a pipe or a socket, even through a link),
  read at most `max_bytes` + 1 bytes.
- **JSON**: before parsing, the number of values is bounded (`MAX_JSON_VALUES`, so that 20 MiB of
  `[{},{},…]` cannot take gigabytes); integers longer than `MAX_INT_DIGITS` digits and the non-JSON
  constants NaN/Infinity are refused; nesting deeper than Python can parse is refused.

Every message is French and never carries a raw character from the server (`shown`, `quote`).
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import stat
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from ..catalogue.errors import quote, shown

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_REDIRECTS = 5
MAX_JSON_VALUES = 4_000_000  # commas + 1: at most ~300 MB of Python objects, whatever they are
MAX_INT_DIGITS = 40
READ_SIZE = 65536


class ExportError(Exception):
    """The export cannot be used at all; the message says why, in French."""


# --- http(s) ----------------------------------------------------------------------------------

class _Deadline:
    """One network's deadline: the sockets opened for it, shut down by a watchdog when it passes."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self.end = time.monotonic() + timeout
        self.sockets: list[socket.socket] = []
        self.expired = False
        self._lock = threading.Lock()
        self._timer = threading.Timer(timeout, self._expire)
        self._timer.daemon = True

    def left(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise ExportError(f"délai dépassé ({self.timeout:g} s)")
        return left

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self.sockets.append(sock)
            if self.expired:
                self._shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self.sockets:
                self._shut(sock)

    def create_connection(self, address, timeout=None, source_address=None) -> socket.socket:
        """socket.create_connection with the host's name resolved within the deadline too:
        getaddrinfo cannot be interrupted, so it runs in a daemon thread left behind if it passes."""
        host, port = address[0], address[1]
        found: list = []

        def resolve():
            try:
                found.append(socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM))
            except OSError as exc:
                found.append(exc)

        resolver = threading.Thread(target=resolve, name="campus-resolve", daemon=True)
        resolver.start()
        resolver.join(max(self.end - time.monotonic(), 0))
        if not found:
            raise ExportError(f"délai dépassé ({self.timeout:g} s, nom de domaine non résolu)")
        if isinstance(found[0], OSError):
            raise found[0]
        failure: OSError | None = None
        for *_, sockaddr in found[0]:
            try:
                return socket.create_connection(sockaddr[:2], self.left(), source_address)
            except OSError as exc:
                failure = exc
        raise failure or OSError("aucune adresse")

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def __enter__(self):
        self._timer.start()
        return self

    def __exit__(self, *exc):
        self._timer.cancel()


def _connection_class(base: type, deadline: _Deadline) -> type:
    class Connection(base):
        def connect(self):
            self.timeout = deadline.left()
            self._create_connection = deadline.create_connection
            super().connect()
            deadline.watch(self.sock)
    return Connection


def _handlers(deadline: _Deadline) -> list:
    """http and https handlers whose connections live within the deadline."""
    class HTTP(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(_connection_class(http.client.HTTPConnection, deadline), req)

    class HTTPS(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(_connection_class(http.client.HTTPSConnection, deadline), req, context=self._context)

    return [HTTP(), HTTPS()]


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Redirects to http(s) only, at most MAX_REDIRECTS hops, no loop; a refusal says why."""

    def http_error_302(self, req, fp, code, msg, headers):
        target = headers.get("location") or headers.get("uri")
        if target:
            scheme = urlsplit(target).scheme.lower()
            if scheme and scheme not in ("http", "https"):
                raise ExportError(f"redirection ({code}) vers une adresse « {shown(scheme, 20)}: » refusée : "
                                  f"seules les adresses http(s) sont suivies")
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        visited = getattr(req, "redirect_dict", {})
        if newurl in visited or newurl == req.full_url:
            raise ExportError(f"redirections en boucle ({code} vers {quote(newurl, 100)}, adresse déjà visitée)")
        if len(visited) >= MAX_REDIRECTS:
            raise ExportError(f"trop de redirections (plus de {MAX_REDIRECTS})")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _fetch_http(url: str, timeout: float, max_bytes: int) -> bytes:
    with _Deadline(timeout) as deadline:
        opener = urllib.request.OpenerDirector()
        for handler in (*_handlers(deadline), _Redirects(), urllib.request.HTTPDefaultErrorHandler(),
                        urllib.request.HTTPErrorProcessor()):
            opener.add_handler(handler)
        try:
            with opener.open(urllib.request.Request(url, headers={"Accept": "application/json"}),
                             timeout=deadline.left()) as response:
                chunks, size = [], 0
                while True:
                    chunk = response.read1(READ_SIZE)
                    deadline.left()
                    if not chunk:
                        if response.length:  # read1 does not raise IncompleteRead: check what was announced
                            raise ExportError(f"réponse tronquée par le serveur ({size} octets reçus, "
                                              f"{size + response.length} annoncés)")
                        break
                    size += len(chunk)
                    if size > max_bytes:
                        raise ExportError(f"export trop volumineux (plus de {max_bytes} octets)")
                    chunks.append(chunk)
                return b"".join(chunks)
        except ExportError:
            raise
        except urllib.error.HTTPError as exc:
            raise ExportError(f"le serveur a répondu {exc.code}") from None
        except Exception as exc:  # noqa: BLE001 — whatever a hostile server provokes is a problem, not a crash
            if deadline.expired or time.monotonic() >= deadline.end:
                raise ExportError(f"délai dépassé ({timeout:g} s)") from None
            raise ExportError(_protocol_error(exc)) from None


def _protocol_error(exc: Exception) -> str:
    reason = getattr(exc, "reason", None)
    if isinstance(exc, urllib.error.URLError) and isinstance(reason, (TimeoutError, socket.timeout)):
        return "délai dépassé"
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "délai dépassé"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "le serveur a fermé la connexion sans répondre"
    if isinstance(exc, http.client.IncompleteRead):
        return "réponse tronquée par le serveur (IncompleteRead)"
    if isinstance(exc, http.client.LineTooLong):
        return "réponse du serveur invalide : ligne d'en-tête trop longue"
    if isinstance(exc, http.client.BadStatusLine):
        return "réponse du serveur invalide : ligne de statut incorrecte"
    if isinstance(exc, http.client.HTTPException):
        return f"réponse du serveur invalide ({shown(str(exc) or type(exc).__name__)})"
    if isinstance(exc, urllib.error.URLError):
        return f"injoignable ({shown(reason, 80)})"
    return f"injoignable ({type(exc).__name__} : {shown(exc, 80)})"


# --- local paths ------------------------------------------------------------------------------

def read_regular_file(path: Path, max_bytes: int) -> bytes:
    """A regular file's bytes, at most max_bytes; a device, pipe or socket is refused without
    being read (opened non-blocking, then checked on the open descriptor)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise ExportError(f"fichier illisible : {exc.strerror} : {shown(path, 200)}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ExportError(f"{shown(path, 200)} n'est pas un fichier ordinaire (périphérique, tube ou "
                              f"socket) : seuls les fichiers sont lus")
        if info.st_size > max_bytes:
            raise ExportError(f"export trop volumineux (plus de {max_bytes} octets)")
        with os.fdopen(fd, "rb", closefd=False) as file:
            raw = file.read(max_bytes + 1)
        if len(raw) > max_bytes:
            raise ExportError(f"export trop volumineux (plus de {max_bytes} octets)")
        return raw
    except OSError as exc:
        raise ExportError(f"fichier illisible : {exc.strerror} : {shown(path, 200)}") from None
    finally:
        os.close(fd)


def fetch(url: str, project: Path, timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The export's bytes; ExportError (in French) when unreachable, too slow, too big or refused."""
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("http", "https"):
        return _fetch_http(url, timeout, max_bytes)
    if scheme and len(scheme) > 1:
        raise ExportError(f"adresse {quote(url, 100)} refusée : seules les adresses http(s) et les chemins "
                          f"locaux sont acceptés")
    return read_regular_file(project / url, max_bytes)


# --- JSON within bounds -----------------------------------------------------------------------

def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ExportError(f"export illisible : nombre entier de plus de {MAX_INT_DIGITS} chiffres")
    return int(text)


def _constant(name: str):
    raise ExportError(f"export illisible : « {name} » n'est pas du JSON")


def load_json(raw: bytes) -> object:
    """JSON data from untrusted bytes, within MAX_JSON_VALUES values and MAX_INT_DIGITS digits."""
    values = raw.count(b",") + 1
    if values > MAX_JSON_VALUES:
        raise ExportError(f"export refusé : plus de {MAX_JSON_VALUES:_} valeurs JSON".replace("_", " "))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ExportError("export illisible : ce n'est pas du texte UTF-8") from None
    try:
        return json.loads(text, parse_int=_integer, parse_constant=_constant)
    except (json.JSONDecodeError, RecursionError, ValueError) as exc:
        where = f" (ligne {exc.lineno}, colonne {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise ExportError(f"export illisible : JSON invalide{where}") from None
