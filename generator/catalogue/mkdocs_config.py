"""mkdocs.yml read without MkDocs (for `campus export` and the build cache's key): the file and
those it `INHERIT`s, with `!ENV [NAME, default]` resolved and other tags ignored."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import yaml

from .files import resolved


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml's `!ENV [NAME, default]` without importing MkDocs."""


def _env_tag(loader, node):
    if isinstance(node, yaml.SequenceNode):
        *names, default = [loader.construct_scalar(n) for n in node.value]
    else:
        names, default = [loader.construct_scalar(node)], None
    return next((os.environ[n] for n in names if n in os.environ), default)


_ConfigLoader.add_constructor("!ENV", _env_tag)
_ConfigLoader.add_multi_constructor("!", lambda loader, suffix, node: None)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def config_chain(config_path: Path) -> Iterator[tuple[Path, dict]]:
    """Each configuration file (resolved) and its mapping: mkdocs.yml, then the file it `INHERIT`s,
    and so on. MkDocs reports a broken configuration itself: reading stops there."""
    seen = set()
    config_path = resolved(Path(config_path))
    while config_path.is_file() and config_path not in seen:
        seen.add(config_path)
        try:
            data = yaml.load(config_path.read_text(encoding="utf-8"), Loader=_ConfigLoader)
        except (yaml.YAMLError, OSError, UnicodeDecodeError):
            return
        if not isinstance(data, dict):
            return
        yield config_path, data
        if not data.get("INHERIT"):
            return
        config_path = resolved(config_path.parent / str(data["INHERIT"]))
