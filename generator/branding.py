"""The site's look from configuration: the packaged theme, and the network's name, logo and colour.

MkDocs adapters (plugin.py) call `use_packaged_theme` and `apply` in `on_config`; nothing here
reads the repository: the theme comes from the installed package (resources.py).
"""

from __future__ import annotations

from .resources import theme_dir


def use_packaged_theme(config) -> None:
    """Put the Campus theme right after the site's own `custom_dir` (which can still override it)."""
    packaged = str(theme_dir())
    dirs = config.theme.dirs
    if any(_same(d, packaged) for d in dirs):
        return
    dirs.insert(1 if config.theme.custom_dir else 0, packaged)


def _same(a: str, b: str) -> bool:
    from os.path import realpath
    return realpath(a) == realpath(b)
