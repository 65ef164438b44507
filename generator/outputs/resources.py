"""Files the package ships beside its code: the theme and the starter site of `campus init`.

In an installed wheel the theme is `generator/theme/` (pyproject.toml maps the repository's
top-level `theme/` there); in the source tree (an editable install) it is `theme/` itself.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # generator/ (mkdocs_campus)
# The npm tools `make npm` installs beside the source tree (an editable install; a site made by
# `campus init` has its own node_modules/, looked up first by the callers).
REPOSITORY_NODE_MODULES = PACKAGE_DIR.parent / "node_modules"


def theme_dir() -> Path:
    """The Campus theme: mkdocs-material overrides, assets and the page templates (campus/)."""
    packaged = PACKAGE_DIR / "theme"
    return packaged if (packaged / "main.html").is_file() else PACKAGE_DIR.parent / "theme"


def template_dir() -> Path:
    """The Jinja templates of the generated pages."""
    return theme_dir() / "campus"


def starter_dir() -> Path:
    """The files `campus init` copies into a new site."""
    return PACKAGE_DIR / "starter"
