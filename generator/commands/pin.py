"""The requirement line that installs exactly the generator running now, for a new site's
requirements.txt (`campus init`).

pip records where it installed a package from in the distribution's `direct_url.json` (PEP 610):
a git URL and the commit it resolved (`pip install "mkdocs-campus @ git+https://…@main"`), an
archive, or a local folder. The line names that commit, so the site's CI installs the generator
that wrote it, not whatever `main` has become.
"""

from __future__ import annotations

import json
import subprocess
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlsplit

DISTRIBUTION = "mkdocs-campus"
REPOSITORY = "https://github.com/campus-transformation/campus"  # where the generator is published


def _git_commit(folder: Path) -> str | None:
    """The commit checked out in a local source folder, if it is a clean git work tree."""
    try:
        head = subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=10)
        dirty = subprocess.run(["git", "-C", str(folder), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    commit = head.stdout.strip()
    return commit if head.returncode == 0 and len(commit) == 40 and not dirty.stdout.strip() else None


def requirement(direct_url: dict | None, version: str) -> tuple[str, str]:
    """(requirement line, French note for the file's comment) from a `direct_url.json`'s data."""
    info = direct_url or {}
    url = info.get("url", "")
    vcs = info.get("vcs_info") or {}
    if vcs.get("vcs") == "git" and vcs.get("commit_id"):
        return f"{DISTRIBUTION} @ git+{url}@{vcs['commit_id']}", "le commit qui a écrit ce site"
    if "dir_info" in info and url.startswith("file:"):
        commit = _git_commit(Path(unquote(urlsplit(url).path)))
        if commit:
            return f"{DISTRIBUTION} @ git+{REPOSITORY}@{commit}", "le commit du dossier source qui a écrit ce site"
    if "archive_info" in info and url:
        local = url.startswith("file:")
        return f"{DISTRIBUTION} @ {url}", ("le fichier local qui a écrit ce site : remplacez-le par une adresse que "
                                           "la CI peut atteindre" if local else "l'archive qui a écrit ce site")
    if not info:  # from a package index
        return f"{DISTRIBUTION}=={version}", "la version qui a écrit ce site"
    # A source folder with uncommitted changes, or no git: no commit says what wrote the site.
    return f"{DISTRIBUTION} @ git+{REPOSITORY}@main", ("la branche principale, faute de savoir quel commit a écrit "
                                                       "ce site : remplacez main par un commit")


def installed_requirement() -> tuple[str, str]:
    """The requirement line of the generator installed in this Python, and its note."""
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # run from a source tree without installing it
        return f"{DISTRIBUTION} @ git+{REPOSITORY}@main", "la branche principale : fixez un commit"
    text = dist.read_text("direct_url.json")
    try:
        data = json.loads(text) if text else None
    except ValueError:
        data = None
    return requirement(data if isinstance(data, dict) else None, dist.version)
