"""`campus links`: every link of the built site leads somewhere.

Internal links (relative, root-relative or under the site's own address) must reach a file of
the built site and, when they carry a `#fragment`, an element with that id in the target page.
External links are only requested when asked (CI may have no network), once per address.
Builder-independent: it reads the HTML folder, whatever produced it.
"""

from __future__ import annotations

import concurrent.futures
import os
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit
from ..catalogue.errors import counted

# Attributes that point at something the browser fetches or follows.
LINK_ATTRIBUTES = {
    "a": ("href",), "area": ("href",), "link": ("href",), "img": ("src",), "script": ("src",),
    "iframe": ("src",), "source": ("src",), "video": ("src", "poster"), "audio": ("src",),
    "track": ("src",), "embed": ("src",), "object": ("data",), "form": ("action",),
}
# `rel` values whose href names a page of this site as published, not a link to follow.
IGNORED_RELS = {"canonical", "alternate", "preconnect", "dns-prefetch"}
SKIPPED_SCHEMES = {"mailto", "tel", "javascript", "data", "blob", "about", "sms"}
OUTSIDE = "\0outside"  # a root-relative link above the folder the site is published in
USER_AGENT = "campus-links/1.0 (+verification des liens du catalogue Campus)"


@dataclass(frozen=True, order=True)
class Link:
    page: str      # path of the page inside the site folder, with '/' separators
    line: int
    url: str       # as written in the page


@dataclass(frozen=True, order=True)
class Broken:
    page: str
    line: int
    url: str
    reason: str
    external: bool = False

    def __str__(self) -> str:
        kind = "lien externe cassé" if self.external else "lien cassé"
        return f"{self.page}:{self.line}: {kind} « {self.url} » ({self.reason})"


@dataclass
class Report:
    pages: int = 0
    internal: int = 0
    external: int = 0
    checked_external: bool = False
    broken: list[Broken] = field(default_factory=list)

    def summary(self) -> str:
        checked = (f"{counted(self.internal, 'lien interne vérifié', 'liens internes vérifiés')} "
                   f"dans {counted(self.pages, 'page')}")
        checked += (f", {counted(self.external, 'adresse externe vérifiée', 'adresses externes vérifiées')}"
                    if self.checked_external else
                    f" ; {counted(self.external, 'adresse externe non vérifiée', 'adresses externes non vérifiées')}"
                    " (ajoutez --external)")
        if not self.broken:
            return f"Aucun lien cassé : {checked}."
        pages = len({b.page for b in self.broken})
        return (f"{counted(len(self.broken), 'lien cassé', 'liens cassés')} dans {counted(pages, 'page')} "
                f"({checked}).")


class _PageParser(HTMLParser):
    """Collects the ids a page defines and the links it holds, with their line numbers."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[int, str]] = []
        self.canonical: str | None = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name in ("id",) + (("name",) if tag == "a" else ()):
            if values.get(name):
                self.ids.add(values[name])
        rels = set((values.get("rel") or "").lower().split())
        if tag == "link" and "canonical" in rels and values.get("href"):
            self.canonical = values["href"]
        if tag == "link" and rels & IGNORED_RELS:
            return
        for attribute in LINK_ATTRIBUTES.get(tag, ()):
            value = values.get(attribute)
            if value is not None and value.strip():
                self.links.append((self.getpos()[0], value.strip()))

    handle_startendtag = handle_starttag


@dataclass
class _Page:
    ids: set[str]
    links: list[tuple[int, str]]
    canonical: str | None


def _read_page(path: Path) -> _Page:
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    parser.close()
    return _Page(parser.ids, parser.links, parser.canonical)


def _site_prefix(site_url: str | None) -> tuple[str, str]:
    """(absolute prefix without trailing slash, path prefix ending with '/') of the site."""
    if not site_url:
        return "", "/"
    parts = urlsplit(site_url)
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return f"{parts.scheme}://{parts.netloc}{path}".rstrip("/"), path


class LinkChecker:
    def __init__(self, site_dir: Path, site_url: str | None = None):
        self.site_dir = site_dir
        self.pages: dict[str, _Page] = {}
        for path in sorted(site_dir.rglob("*.html")):
            self.pages[path.relative_to(site_dir).as_posix()] = _read_page(path)
        if site_url is None and "index.html" in self.pages:
            site_url = self.pages["index.html"].canonical
        self.site_url, self.base_path = _site_prefix(site_url)
        self._root = site_dir.resolve()
        self._files: dict[str, str | None] = {}

    def _target(self, page: str, url: str) -> tuple[str | None, str]:
        """The site path a link points to (None if external), and its fragment."""
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            absolute = url if parts.scheme else "https:" + url
            if self.site_url and (absolute == self.site_url or absolute.startswith(self.site_url + "/")):
                rest = absolute[len(self.site_url):] or "/"
                parts = urlsplit(rest)
                return self._resolve("/" + parts.path.lstrip("/")), parts.fragment
            return None, parts.fragment
        if parts.path.startswith("/"):
            path = parts.path
            if path + "/" != self.base_path and not path.startswith(self.base_path):
                return OUTSIDE, parts.fragment
            return self._resolve("/" + path[len(self.base_path):]), parts.fragment
        joined = urlsplit(urljoin("/" + page, parts.path or PurePosixPath(page).name)).path
        return self._resolve(joined), parts.fragment

    @staticmethod
    def _resolve(path: str) -> str:
        return unquote(path).lstrip("/")

    def _file_for(self, target: str) -> str | None:
        """The site file a path names (a folder means its index.html), or None."""
        if target not in self._files:
            candidates = [target] if target and not target.endswith("/") else []
            candidates.append((target.rstrip("/") + "/index.html").lstrip("/"))
            self._files[target] = next(
                (c for c in candidates if (self.site_dir / c).is_file()
                 and self._root in (self.site_dir / c).resolve().parents), None)
        return self._files[target]

    def check(self, external: bool = False, timeout: float = 10.0) -> Report:
        report = Report(pages=len(self.pages), checked_external=external)
        outside: dict[str, list[Link]] = {}
        for page, content in self.pages.items():
            for line, url in content.links:
                scheme = urlsplit(url).scheme.lower()
                if scheme in SKIPPED_SCHEMES:
                    continue
                if scheme and scheme not in ("http", "https"):
                    continue
                target, fragment = self._target(page, url)
                if target is None:
                    outside.setdefault(url.split("#", 1)[0], []).append(Link(page, line, url))
                    continue
                report.internal += 1
                problem = self._internal_problem(page, target, fragment)
                if problem:
                    report.broken.append(Broken(page, line, url, problem))
        report.external = len(outside)
        if external:
            report.broken += _check_external(outside, timeout)
        report.broken.sort()
        return report

    def _internal_problem(self, page: str, target: str, fragment: str) -> str | None:
        if target is OUTSIDE:
            return f"hors du dossier où le site est publié : {self.base_path}"
        found = self._file_for(target)
        if found is None:
            shown = target or "index.html"
            return f"fichier introuvable : {shown}"
        fragment = unquote(fragment)
        if not fragment or fragment.lower() == "top" or not found.endswith(".html"):
            return None
        if fragment not in self.pages[found].ids:
            where = "dans cette page" if found == page else f"dans {found}"
            return f"ancre « #{fragment} » introuvable {where}"
        return None


def _status(url: str, timeout: float) -> str | None:
    """None if the address answers, else the reason it does not."""
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout):
                return None
        except urllib.error.HTTPError as exc:
            # Some servers refuse HEAD: ask again with GET before concluding.
            if method == "HEAD" and exc.code in (403, 404, 405, 501):
                continue
            return f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            return f"injoignable : {reason}"
    return "injoignable"


def unreachable(urls, timeout: float) -> dict[str, str]:
    """The addresses among `urls` that do not answer, each with the reason (as `campus links
    --external` says it); `campus review --external` asks the same question of the records."""
    urls = list(dict.fromkeys(urls))
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        results = dict(zip(urls, pool.map(lambda u: _status(u, timeout), urls)))
    return {url: reason for url, reason in results.items() if reason}


def _check_external(outside: dict[str, list[Link]], timeout: float) -> list[Broken]:
    broken = []
    results = unreachable(outside, timeout)
    for url, links in outside.items():
        if url in results:
            # One line per address, at its first use: a broken footer link is one problem, not one per page.
            first, others = min(links), len({link.page for link in links}) - 1
            reason = results[url] + (f" ; aussi dans {counted(others, 'autre page', 'autres pages')}" if others else "")
            broken.append(Broken(first.page, first.line, first.url, reason, external=True))
    return broken


def check_site(site_dir: Path, external: bool = False, site_url: str | None = None,
               timeout: float = 10.0) -> Report:
    """Check every link of the built site in `site_dir`."""
    if not site_dir.is_dir():
        raise NotADirectoryError(os.fspath(site_dir))
    return LinkChecker(site_dir, site_url).check(external=external, timeout=timeout)
