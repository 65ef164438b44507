"""From a pull request to the published site: link checker, CI workflows, pre-commit, lock file."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import BUILD_ENV, FIXTURES, ROOT, LinkHandler, build_site, copy_project, parse
from mkdocs_campus.catalogue import records as r

BIN = Path(sys.executable).parent
CAMPUS = str(BIN / "campus")


def campus(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([CAMPUS, *args], capture_output=True, text=True, cwd=cwd)


# --- the link checker -------------------------------------------------------------------------

@pytest.fixture
def links_site(tmp_path) -> Path:
    """A copy of the small hand-written site of tests/fixtures/links, free to break."""
    return Path(shutil.copytree(FIXTURES / "links", tmp_path / "site"))


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def test_intact_site_passes(links_site):
    result = campus("links", str(links_site))
    assert result.returncode == 0, result.stdout
    assert "Aucun lien cassé" in result.stdout


def test_broken_internal_link_is_located(links_site):
    page = links_site / "guide" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace('href="../"', 'href="../formations/"'),
                    encoding="utf-8")
    result = campus("links", str(links_site))
    assert result.returncode == 1
    line = line_of(page, "../formations/")
    assert f"guide/index.html:{line}: lien cassé « ../formations/ » (fichier introuvable : formations/)" \
        in result.stdout
    assert "1 lien cassé dans 1 page" in result.stdout


def test_broken_anchor_is_located(links_site):
    page = links_site / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace('href="guide/#etapes"', 'href="guide/#etape"'),
                    encoding="utf-8")
    result = campus("links", str(links_site))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"index.html:{line_of(page, 'guide/#etape')}: lien cassé « guide/#etape » "
        "(ancre « #etape » introuvable dans guide/index.html)",
        "1 lien cassé dans 1 page (12 liens internes vérifiés dans 2 pages ; "
        "0 adresse externe non vérifiée (ajoutez --external)).",
    ]


def test_missing_asset_and_same_page_anchor(links_site):
    (links_site / "assets" / "logo campus.svg").unlink()
    page = links_site / "guide" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace('href="#ancien-nom"', 'href="#nouveau-nom"'),
                    encoding="utf-8")
    out = campus("links", str(links_site)).stdout
    assert "« assets/logo%20campus.svg » (fichier introuvable : assets/logo campus.svg)" in out
    assert "« #nouveau-nom » (ancre « #nouveau-nom » introuvable dans cette page)" in out


def test_root_relative_link_outside_the_published_folder(links_site):
    """Published under /sous-dossier/ (the home page's canonical address), /guide/ would be a 404."""
    page = links_site / "index.html"
    text = page.read_text(encoding="utf-8").replace('href="/sous-dossier/guide/"', 'href="/guide/"')
    page.write_text(text, encoding="utf-8")
    result = campus("links", str(links_site))
    assert result.returncode == 1
    assert f"index.html:{line_of(page, '/guide/')}: lien cassé « /guide/ »" in result.stdout
    # Without a canonical address, --site-url tells where the site is published.
    page.write_text(re.sub(r'<link rel="canonical"[^>]*>', "", text), encoding="utf-8")
    assert campus("links", str(links_site)).returncode == 0
    result = campus("links", str(links_site), "--site-url", "https://campus.test/sous-dossier/")
    assert result.returncode == 1 and "« /guide/ »" in result.stdout


def test_external_links_only_when_asked(links_site, local_server):
    page = links_site / "guide" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "</body>", f'<a href="{local_server}/existe">ok</a> <a href="{local_server}/disparu">parti</a></body>'),
        encoding="utf-8")
    quiet = campus("links", str(links_site))
    assert quiet.returncode == 0 and LinkHandler.requests == []
    assert "2 adresses externes non vérifiées (ajoutez --external)" in quiet.stdout
    loud = campus("links", str(links_site), "--external")
    assert loud.returncode == 1
    broken = [line for line in loud.stdout.splitlines() if "cassé «" in line]
    assert broken == [f"guide/index.html:{line_of(page, '/disparu')}: lien externe cassé "
                      f"« {local_server}/disparu » (HTTP 404)"]
    assert "/existe" in LinkHandler.requests


def test_missing_site_folder_is_a_usage_error(tmp_path):
    result = campus("links", str(tmp_path / "site"))
    assert result.returncode == 2
    assert "construisez d'abord le site" in result.stderr
    assert "Traceback" not in result.stderr


def test_built_sites_have_no_broken_link(mini_site, real_site):
    for site in (mini_site, real_site):
        result = campus("links", str(site))
        assert result.returncode == 0, result.stdout


def test_fork_publishes_under_its_own_address(tmp_path):
    """Site address, repository and edit links come from the environment, not from templates."""
    env = {**BUILD_ENV,
           "CAMPUS_SITE_URL": "https://agents.pages.example.org/campus/",
           "CAMPUS_REPO_URL": "https://forge.example.org/agents/campus",
           "CAMPUS_EDIT_BASE": "https://forge.example.org/agents/campus/-/edit/principale",
           "CAMPUS_EDIT_URI": "-/edit/principale/content/"}
    project = copy_project(FIXTURES / "mini", tmp_path / "fork")
    config = project / "mkdocs.yml"
    config.write_text(re.sub(r"(?m)^site_url:.*\n", "", config.read_text(encoding="utf-8")), encoding="utf-8")
    (project / "content" / "guide.md").write_text("# Guide\n\nUne page écrite à la main.\n", encoding="utf-8")
    out = tmp_path / "site"
    result = build_site(config, out, env=env)
    assert result.returncode == 0, result.stderr
    record = parse(out / "outils" / "micro-defis" / "index.html")
    assert record.select_one('link[rel="canonical"]')["href"] == \
        "https://agents.pages.example.org/campus/outils/micro-defis/"
    assert record.select_one('a[rel="edit"]')["href"] == \
        "https://forge.example.org/agents/campus/-/edit/principale/catalogue/tools/micro-defis.yml"
    assert record.select_one("a.md-source")["href"] == "https://forge.example.org/agents/campus"
    written = parse(out / "guide" / "index.html")
    assert written.select_one('a[rel="edit"]')["href"] == \
        "https://forge.example.org/agents/campus/-/edit/principale/content/guide.md"
    # Published under /campus/, the site's links (the 404 page's root-relative ones too) still hold.
    links = campus("links", str(out))
    assert links.returncode == 0, links.stdout


# --- CI workflows -----------------------------------------------------------------------------

def readme_ci_commands() -> list[str]:
    """The commands the README's Publishing section says CI runs, in order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Publishing", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if line.split("#", 1)[0].strip()]


def ordered_runs(lines: list[str], commands: list[str]) -> list[str]:
    """The first run line starting with each command, in the workflow's order; fails if one is missing."""
    found = []
    for command in commands:
        matches = [(i, line) for i, line in enumerate(lines) if line == command or line.startswith(command + " ")]
        assert matches, f"the workflow never runs « {command} »"
        found.append(matches[0])
    return [line for _, line in sorted(found)]


def run_lines(steps_or_script) -> list[str]:
    lines = []
    for item in steps_or_script:
        text = item.get("run", "") if isinstance(item, dict) else item
        lines += [line.strip() for line in text.splitlines() if line.strip()]
    return lines


def test_readme_lists_the_ci_commands():
    assert readme_ci_commands() == ["make install", ".venv/bin/campus check", "make site",
                                    ".venv/bin/campus links site", "make test"]


def test_github_workflow_runs_the_readme_commands():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "site.yml").read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    jobs = workflow["jobs"]
    build = run_lines(jobs["build"]["steps"])
    commands = readme_ci_commands()
    # Pull requests and main: check (as annotations), build strictly, check links, in that order.
    assert ordered_runs(build, commands[:4]) == [
        "make install", ".venv/bin/campus check --format github", "make site",
        ".venv/bin/campus links site $EXTERNAL"]
    # External links only when asked: a manual run's option, empty otherwise.
    links_step = next(s for s in jobs["build"]["steps"] if s.get("run", "").startswith(".venv/bin/campus links"))
    assert links_step["env"]["EXTERNAL"] == "${{ inputs.external && '--external' || '' }}"
    assert triggers["workflow_dispatch"]["inputs"]["external"]["default"] is False
    assert "make test" in run_lines(jobs["test"]["steps"])
    # Reproducible: the build date is the last commit's (or today's, tests/test_schedules.py), set before
    # anything is built.
    env_step = next(s for s in jobs["build"]["steps"] if "SOURCE_DATE_EPOCH" in s.get("run", ""))
    assert 'commit="$(git log -1 --format=%ct)"' in env_step["run"]
    assert jobs["build"]["steps"].index(env_step) < next(
        i for i, s in enumerate(jobs["build"]["steps"]) if s.get("run") == "make site")
    for variable in ("CAMPUS_SITE_URL", "CAMPUS_REPO_URL", "CAMPUS_EDIT_BASE", "CAMPUS_EDIT_URI"):
        assert variable + "=" in env_step["run"]
    uses = {s["uses"].split("@")[0]: s for job in jobs.values() for s in job.get("steps", []) if "uses" in s}
    # Preview on pull requests, Pages on main.
    assert "pull_request" in uses["actions/upload-artifact"]["if"]
    assert uses["actions/upload-artifact"]["with"]["path"] == "site/"
    assert uses["actions/upload-pages-artifact"]["with"]["path"] == "site/"
    assert "pull_request" in uses["actions/upload-pages-artifact"]["if"]
    assert "actions/deploy-pages" in uses and jobs["deploy"]["permissions"]["pages"] == "write"
    assert "pull_request" in jobs["deploy"]["if"]
    # Pinned actions (a full commit, not a movable tag) and cached pip downloads.
    for job in jobs.values():
        for step in job.get("steps", []):
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
    setup = uses["actions/setup-python"]["with"]
    assert setup["cache"] == "pip" and setup["cache-dependency-path"] == "requirements.lock"
    assert "requirements.lock" in uses["actions/cache"]["with"]["key"]


def test_gitlab_pipeline_runs_the_readme_commands():
    pipeline = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    commands = readme_ci_commands()
    before = run_lines(pipeline["default"]["before_script"])
    assert any(line.startswith('commit="$(git log -1 --format=%ct)"') for line in before)
    assert "export SOURCE_DATE_EPOCH=$(( commit > today ? commit : today ))" in before
    for name in ("site", "pages"):
        lines = before + run_lines(pipeline[name]["script"])
        assert ordered_runs(lines, commands[:4]) == commands[:4]
    assert "make test" in run_lines(pipeline["test"]["script"])
    # Merge requests get a preview; the default branch publishes public/ to GitLab Pages.
    assert pipeline["site"]["artifacts"]["paths"] == ["site/"]
    assert "merge_request_event" in pipeline["site"]["rules"][0]["if"]
    assert pipeline["pages"]["script"][-1] == "mv site public"
    assert pipeline["pages"]["artifacts"]["paths"] == ["public"]
    assert pipeline["pages"]["rules"][-1]["if"] == "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"
    assert 'export CAMPUS_SITE_URL="${CI_PAGES_URL%/}/"; fi' in " ".join(before)
    assert pipeline["variables"]["CAMPUS_REPO_URL"] == "$CI_PROJECT_URL"
    assert pipeline["default"]["cache"]["key"]["files"] == ["requirements.lock"]
    assert pipeline["variables"]["PIP_CACHE_DIR"].endswith(pipeline["default"]["cache"]["paths"][0])
    assert re.fullmatch(r"[\w./-]+:\d[\w.-]*", pipeline["image"]), "the image is pinned to a version"


def test_ci_test_jobs_have_the_node_pa11y_needs_and_write_permissions_say_why():
    """pa11y 9 needs Node.js >= 20 (Debian 12's is 18); each permission to write is explained (zizmor's
    pedantic undocumented-permissions)."""
    text = (ROOT / ".github" / "workflows" / "site.yml").read_text(encoding="utf-8")
    steps = yaml.safe_load(text)["jobs"]["test"]["steps"]
    node = next(i for i, s in enumerate(steps) if s.get("uses", "").startswith("actions/setup-node@"))
    assert int(str(steps[node]["with"]["node-version"]).split(".")[0]) >= 20
    assert node < next(i for i, s in enumerate(steps) if s.get("run") == "make test")
    for line in text.splitlines():
        if re.fullmatch(r"\s*[\w-]+: write\b.*", line):
            assert re.search(r": write\s+#\s*\S", line), f"permission sans explication : {line.strip()}"
    pipeline = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    image = re.fullmatch(r"node:(\d+)-bookworm", pipeline["test"]["image"])
    assert image and int(image[1]) >= 20, pipeline["test"].get("image")


# --- issue forms ------------------------------------------------------------------------------

FORM_ONLY = {"type", "consent"}


def vocabulary(field: str, models) -> list[str]:
    """The French labels editors choose from for a record field."""
    if field == "type":
        return [t.label for t in r.RECORD_TYPES.values()]
    if field == "themes":
        return [t["title"] for t in yaml.safe_load((ROOT / "catalogue" / "themes.yml").read_text(encoding="utf-8"))]
    tables = {"audience": r.AUDIENCES, "kind": r.TOOL_KINDS, "level": r.LEVELS,
              "format": r.INTERVENTION_FORMATS if models == [r.Intervention] else r.FORMATS}
    return list(tables[field].values())


# This repository's issue templates, and those `campus init` writes (the same, but for the themes: a
# new site's list starts empty, so they are asked as free text).
TEMPLATE_FOLDERS = {"campus": (ROOT / ".github", ROOT / ".gitlab"),
                    "starter": (ROOT / "generator" / "starter" / "_github", ROOT / "generator" / "starter" / "_gitlab")}


@pytest.mark.parametrize("where", list(TEMPLATE_FOLDERS))
@pytest.mark.parametrize("form, models", [
    ("proposer-une-ressource.yml", [t.model for t in r.RECORD_TYPES.values()]),
    ("besoin-de-facilitation.yml", [r.Intervention]),
])
def test_issue_forms_match_the_record_model(form, models, where):
    data = yaml.safe_load((TEMPLATE_FOLDERS[where][0] / "ISSUE_TEMPLATE" / form).read_text(encoding="utf-8"))
    fields = {item["id"]: item for item in data["body"] if "id" in item}
    known = {name for model in models for name in model.model_fields} | {"contact"}
    assert set(fields) - FORM_ONLY <= known, f"fields not in the model: {set(fields) - FORM_ONLY - known}"
    for name, item in fields.items():
        if item["type"] == "dropdown":
            assert item["attributes"]["options"] == vocabulary(name, models), \
                f"{form}: the choices of « {name} » differ from the model's (generator/catalogue/records.py, themes.yml)"
    required = {name for name, item in fields.items() if item.get("validations", {}).get("required")}
    # What every record of these types must have is asked for (sources only for catalogue records).
    always = set.intersection(*({n for n, f in m.model_fields.items() if f.is_required()} for m in models))
    assert always - {"published", "updated", "sources", "summary"} <= required | FORM_ONLY
    assert "title" in required and "contact" in fields
    assert fields["consent"]["attributes"]["options"][0]["required"] is True
    if where == "starter":
        assert fields["themes"]["type"] == "input"


@pytest.mark.parametrize("where", list(TEMPLATE_FOLDERS))
@pytest.mark.parametrize("form, template", [
    ("proposer-une-ressource.yml", "Proposer une ressource.md"),
    ("besoin-de-facilitation.yml", "Exprimer un besoin de facilitation.md"),
])
def test_gitlab_issue_templates_ask_the_same_fields(form, template, where):
    """On a GitLab forge, the same questions in the same order, with the same choices."""
    github, gitlab = TEMPLATE_FOLDERS[where]
    data = yaml.safe_load((github / "ISSUE_TEMPLATE" / form).read_text(encoding="utf-8"))
    text = (gitlab / "issue_templates" / template).read_text(encoding="utf-8")
    headings = re.findall(r"(?m)^### (.+?)(?: \(obligatoire\))?$", text)
    fields = [item for item in data["body"] if item["type"] != "markdown"]
    assert headings == [item["attributes"]["label"] for item in fields]
    for item in fields:
        if item["type"] == "dropdown":
            assert " · ".join(item["attributes"]["options"]) in text, item["id"]
        required = item.get("validations", {}).get("required", False)
        assert (f"### {item['attributes']['label']} (obligatoire)" in text) == required, item["id"]


# --- pre-commit -------------------------------------------------------------------------------

def git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-c", "user.name=Campus", "-c", "user.email=campus@example.org",
                           "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
                          cwd=repo, capture_output=True, text=True)


@pytest.fixture
def editor_repo(tmp_path) -> Path:
    """A clone-like repository: the mini catalogue, the real pre-commit config, `make install`'s .venv."""
    repo = tmp_path / "campus"
    shutil.copytree(FIXTURES / "mini" / "catalogue", repo / "catalogue")
    shutil.copy(ROOT / ".pre-commit-config.yaml", repo)
    (repo / ".venv").symlink_to(Path(sys.prefix))
    (repo / ".gitignore").write_text(".venv\n", encoding="utf-8")
    assert git(repo, "init", "-q").returncode == 0
    git(repo, "add", ".")
    assert git(repo, "commit", "-q", "-m", "Catalogue").returncode == 0
    return repo


def test_pre_commit_refuses_a_broken_record(editor_repo, tmp_path):
    env = {**BUILD_ENV, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    installed = subprocess.run([str(BIN / "pre-commit"), "install"], cwd=editor_repo, env=env,
                               capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    record = editor_repo / "catalogue" / "tools" / "micro-defis.yml"
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("\nkind: challenge", "\nkind: defi"), encoding="utf-8")
    git(editor_repo, "add", "catalogue")
    refused = subprocess.run(["git", "-c", "user.name=Campus", "-c", "user.email=campus@example.org",
                              "commit", "-m", "Nature du micro-défi"], cwd=editor_repo, env=env,
                             capture_output=True, text=True)
    assert refused.returncode == 1
    line = line_of(record, "kind: defi")
    assert f"catalogue/tools/micro-defis.yml:{line}:7: valeur « defi » non autorisée pour « kind »" \
        in refused.stdout + refused.stderr
    assert git(editor_repo, "rev-list", "--count", "HEAD").stdout.strip() == "1"
    # Fixed, and put in the web editor's format (the campus-fmt hook), the same commit goes through.
    record.write_text(text, encoding="utf-8")
    assert subprocess.run([str(BIN / "campus"), "fmt", str(record)], capture_output=True).returncode == 0
    git(editor_repo, "add", "catalogue")
    accepted = subprocess.run(["git", "-c", "user.name=Campus", "-c", "user.email=campus@example.org",
                               "commit", "-m", "Mise à jour du micro-défi"], cwd=editor_repo, env=env,
                              capture_output=True, text=True)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    output = accepted.stdout + accepted.stderr
    assert "campus check (fiches du catalogue)" in output and "Passed" in output
    assert "campus fmt --check (format de l'éditeur en ligne)" in output


def test_published_hook_refuses_a_broken_record(tmp_path):
    """.pre-commit-hooks.yaml, for other repositories: its entry, run as pre-commit runs it."""
    hook = next(h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
                if h["id"] == "campus-check")
    assert hook["language"] == "python"  # pre-commit installs this package, so `campus` is there
    pattern = re.compile(hook["files"])
    assert pattern.search("catalogue/tools/micro-defis.yml") and not pattern.search("content/index.md")
    catalogue = Path(shutil.copytree(FIXTURES / "mini" / "catalogue", tmp_path / "catalogue"))
    record = catalogue / "trainings" / "devenez-facilitateur.yml"
    record.write_text(record.read_text(encoding="utf-8").replace("\nsummary:", "\nsumary:"), encoding="utf-8")
    env = {**BUILD_ENV, "PATH": f"{BIN}:{BUILD_ENV.get('PATH', '')}"}
    result = subprocess.run([*shlex.split(hook["entry"]), "catalogue/trainings/devenez-facilitateur.yml"],
                            cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 1
    assert "catalogue/trainings/devenez-facilitateur.yml:" in result.stdout and "sumary" in result.stdout


# --- the Contribuer page ----------------------------------------------------------------------

def test_contribuer_shows_what_campus_check_really_says(tmp_path):
    """Each YAML example of the page, checked in a copy of the catalogue, gives the output shown under it."""
    page = (ROOT / "content" / "contribuer.md").read_text(encoding="utf-8")
    pairs = re.findall(r"```yaml\n(# yaml-language-server.*?)```.*?```console\n\$ \.venv/bin/campus check\n(.*?)```",
                       page, re.S)
    assert len(pairs) == 2
    for record, shown in pairs:
        project = tmp_path / f"project-{len(record)}"
        shutil.copytree(ROOT / "catalogue", project / "catalogue")
        path = shown.split(":", 1)[0]
        (project / path).write_text(record, encoding="utf-8")
        result = campus("check", cwd=project)
        assert result.returncode == 1
        assert result.stdout == shown


def test_contribuer_page_is_published(real_site):
    page = parse(real_site / "contribuer" / "index.html")
    text = page.select_one("article").get_text(" ")
    for step in ("campus new", "campus check", "make serve", "pre-commit install", "Proposer une ressource",
                 "Exprimer un besoin de facilitation", "Editer cette page"):
        assert step in text, step


# --- locked dependencies ----------------------------------------------------------------------

def locked_pins() -> dict[str, tuple[str, list[str]]]:
    """requirements.lock as {canonical name: (version, sha256 hashes)}."""
    pins, current = {}, None
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        pin = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)", line)
        if pin:
            current = canonicalize_name(pin.group(1))
            pins[current] = (pin.group(2), [])
        elif current and "--hash=sha256:" in line:
            pins[current][1].append(line.split("--hash=sha256:", 1)[1].strip(" \\"))
    return pins


def test_lock_file_pins_every_dependency_with_hashes():
    """pyproject.toml's dependencies, its test extra and its build backend are all in the lock."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = [Requirement(text) for text in (project["project"]["dependencies"]
                                             + project["project"]["optional-dependencies"]["test"]
                                             + project["build-system"]["requires"])]
    pins = locked_pins()
    missing = [str(req) for req in wanted if canonicalize_name(req.name) not in pins
               or not req.specifier.contains(pins[canonicalize_name(req.name)][0], prereleases=True)]
    assert not missing, f"not in requirements.lock (run `make lock`): {missing}"
    assert all(hashes for _, hashes in pins.values()), "every pin carries its sha256 hashes"
    # What `make install` runs: only hashed files, then the project itself without resolving anything.
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "pip install --quiet --require-hashes -r requirements.lock" in makefile
    assert "pip install --quiet --no-deps --no-build-isolation -e ." in makefile
    assert "pip-tools==" in makefile and "--generate-hashes" in makefile
