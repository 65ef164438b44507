"""The architecture stays the one generator/__init__.py draws: each sub-package imports only the
layers below it and the core never imports MkDocs (import-linter's contracts in pyproject.toml),
and no module grows past the size a newcomer reads at once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
MAX_LINES = 400


def _lint(package_parent: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if package_parent is not None:  # a copy of the package, found before the installed one
        env["PYTHONPATH"] = str(package_parent)
    return subprocess.run([str(LINT_IMPORTS), str(ROOT / "pyproject.toml"), "--no-cache"],
                          capture_output=True, text=True, env=env, cwd=package_parent or ROOT)


def test_the_layers_contract_is_kept():
    result = _lint()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


LAYERS = "Sub-packages import only the layers below them BROKEN"
NO_MKDOCS = "The core produces pages and data without MkDocs BROKEN"


@pytest.mark.parametrize("module, line, contract, broken", [
    ("catalogue/model.py", "from ..adapter import plugin as _upwards", LAYERS,
     "mkdocs_campus.catalogue.model -> mkdocs_campus.adapter.plugin"),
    ("outputs/render.py", "from ..speed import cache as _upwards", LAYERS,
     "mkdocs_campus.outputs.render -> mkdocs_campus.speed.cache"),
    ("speed/dependencies.py", "import mkdocs.plugins as _builder", NO_MKDOCS,
     "mkdocs_campus.speed.dependencies -> mkdocs"),
])
def test_an_import_against_the_layers_breaks_the_contract(tmp_path, module, line, contract, broken):
    copy = tmp_path / "mkdocs_campus"
    shutil.copytree(ROOT / "generator", copy, ignore=shutil.ignore_patterns("__pycache__", "starter"))
    with (copy / module).open("a", encoding="utf-8") as handle:
        handle.write(f"\n{line}  # noqa\n")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert contract in result.stdout and broken in result.stdout, result.stdout


def test_no_module_is_longer_than_a_newcomer_reads_at_once():
    long = {path.relative_to(ROOT).as_posix(): n for path in sorted((ROOT / "generator").rglob("*.py"))
            if "starter" not in path.parts and (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}
