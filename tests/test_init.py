"""`campus init`: a new network's site checks and builds at once, `campus new` works in it, and its
branding (name, short name, logo, primary colour) comes from the plugin's options."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, build_site, parse

NAME = "Réseau des facilitateurs d'Exemple-sur-Mer"
CAMPUS = [sys.executable, "-m", "mkdocs_campus.commands.cli"]


def campus(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*CAMPUS, *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def new_site(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("init")
    result = campus("init", "reseau", NAME, "--short-name", "Facilitateurs", cwd=base)
    assert result.returncode == 0, result.stderr
    return base / "reseau"


def set_plugin_option(site: Path, key: str, value: str) -> None:
    config = site / "mkdocs.yml"
    lines = config.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip().startswith("short_name:"))
    lines.insert(index, f"      {key}: {value}")
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_init_writes_a_complete_site(new_site):
    expected = ["mkdocs.yml", "catalogue/themes.yml", "catalogue/organisations.yml", "catalogue/sources.yml",
                "content/index.md", "content/a-propos.md", "content/contribuer.md", "content/accessibilite.md",
                "content/mentions-legales.md", "schemas/training.schema.json", "schemas/themes.schema.json",
                ".pre-commit-config.yaml", ".github/workflows/site.yml", ".gitlab-ci.yml", "requirements.txt",
                "README.md", ".github/ISSUE_TEMPLATE/proposer-une-ressource.yml",
                ".gitlab/issue_templates/Proposer une ressource.md"]
    for name in expected:
        assert (new_site / name).is_file(), name
    # Configuration files are valid YAML; the pre-commit hook runs campus check on records.
    hooks = yaml.safe_load((new_site / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert hooks["repos"][0]["hooks"][0]["entry"].endswith("campus check")
    workflow = yaml.safe_load((new_site / ".github/workflows/site.yml").read_text(encoding="utf-8"))
    steps = [step.get("run", "") for step in workflow["jobs"]["build"]["steps"]]
    assert any("campus check" in run for run in steps) and "make site" in steps
    gitlab = yaml.safe_load((new_site / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert "make site" in gitlab["pages"]["script"]
    # Placeholders are marked on every hand-written page but the generic ones.
    for page in ("index.md", "a-propos.md", "contribuer.md", "accessibilite.md", "mentions-legales.md"):
        assert "[À compléter]" in (new_site / "content" / page).read_text(encoding="utf-8"), page
    # The schemas are those of the installed generator.
    assert campus("schema", "--check", cwd=new_site).returncode == 0


def test_init_refuses_a_folder_that_is_not_empty(new_site):
    result = campus("init", str(new_site), "Autre", cwd=new_site.parent)
    assert result.returncode == 2
    assert "n'est pas un dossier vide" in result.stderr and "Traceback" not in result.stderr


def test_new_site_checks_and_builds_at_once(new_site, tmp_path):
    check = campus("check", cwd=new_site)
    assert check.returncode == 0, check.stdout
    assert "Catalogue valide : 0 fiche (0 communauté, 0 formation, 0 outil, 0 intervention)" in check.stdout
    result = build_site(new_site / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 0, result.stderr
    home = parse(tmp_path / "site" / "index.html")
    assert home.find("h1").get_text(strip=True) == NAME
    header = home.select_one(".md-header__topic .md-ellipsis").get_text(strip=True)
    assert header == "Facilitateurs"
    assert home.find("title").get_text().endswith(NAME)
    css = [link["href"] for link in home.find_all("link", rel="stylesheet")]
    assert any(href.endswith("assets/campus-marque.css") for href in css)
    assert "--md-primary-fg-color: #000091;" in (tmp_path / "site/assets/campus-marque.css").read_text()
    for section in ("communautes", "formations", "outils", "interventions", "thematiques", "recherche"):
        assert (tmp_path / "site" / section / "index.html").is_file()
    # Counts agree in number, in French (0 takes the singular).
    counts = [li.get_text(" ", strip=True) for li in home.select(".campus-counts li")]
    assert counts == ["0 communauté", "0 formation", "0 outil", "0 intervention"]
    listing = parse(tmp_path / "site" / "formations" / "index.html")
    assert listing.select_one("p.campus-count").get_text(strip=True) == "0 formation"
    assert "tout le catalogue (0 fiche)" in parse(tmp_path / "site" / "donnees" / "index.html").get_text(" ")
    # Nothing on the new site names this repository's campus (its own name is everywhere).
    for page in (tmp_path / "site").rglob("*.html"):
        soup = parse(page)
        texts = [soup.get_text(" ")] + [m.get("content", "") for m in soup.find_all("meta")]
        assert not [t for t in texts if "transformation publique" in t.casefold()], page
        assert NAME in soup.title.get_text() or page.name == "404.html"
    links = campus("links", str(tmp_path / "site"), cwd=new_site)  # as the workflows run it
    assert links.returncode == 0, links.stdout


def test_campus_new_then_check_and_build(tmp_path):
    assert campus("init", "site", NAME, cwd=tmp_path).returncode == 0
    site = tmp_path / "site"
    new = campus("new", "training", "Découvrir la facilitation", cwd=site)
    assert new.returncode == 0, new.stderr
    record = site / "catalogue/trainings/decouvrir-la-facilitation.yml"
    assert record.is_file()
    # Required sources are still empty: check says where.
    check = campus("check", cwd=site)
    assert check.returncode == 1
    assert "catalogue/trainings/decouvrir-la-facilitation.yml:" in check.stdout
    # The editor completes the record and the reference lists.
    (site / "catalogue/sources.yml").write_text(
        "- id: presentation\n  title: Présentation du réseau\n  publisher: Réseau d'exemple\n", encoding="utf-8")
    (site / "catalogue/themes.yml").write_text("- id: facilitation\n  title: Facilitation\n", encoding="utf-8")
    text = record.read_text(encoding="utf-8").replace("sources: []", "sources: [presentation]")
    text = text.replace('summary: ""', "summary: Une journée pour découvrir la facilitation.")
    text += "themes: [facilitation]\n"
    record.write_text(text, encoding="utf-8")
    check = campus("check", cwd=site)
    assert check.returncode == 0, check.stdout
    result = build_site(site / "mkdocs.yml", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    page = parse(tmp_path / "out/formations/decouvrir-la-facilitation/index.html")
    assert page.find("h1").get_text(strip=True) == "Découvrir la facilitation"


@pytest.mark.parametrize("colour, ratio", [("#ffcc00", "1,51:1"), ("#0aa", "2,86:1"), ("#777777", "4,47:1")])
def test_a_primary_colour_failing_aa_contrast_is_refused(tmp_path, colour, ratio):
    assert campus("init", "site", NAME, cwd=tmp_path).returncode == 0
    site = tmp_path / "site"
    config = site / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace('primary_color: "#000091"',
                                                                  f'primary_color: "{colour}"'), encoding="utf-8")
    result = build_site(config, tmp_path / "out")
    assert result.returncode != 0
    assert f"couleur « {colour} » refusée : son contraste avec le texte blanc est de {ratio}" in result.stderr
    assert "au moins 4,5:1" in result.stderr
    assert "Traceback" not in result.stderr


def test_colour_just_above_aa_is_accepted():
    from mkdocs_campus.adapter.branding import PrimaryColour
    assert PrimaryColour().validate("#767676") == "#767676"  # 4.54:1


def test_logo_and_colour_options_brand_the_site(tmp_path):
    assert campus("init", "site", NAME, cwd=tmp_path).returncode == 0
    site = tmp_path / "site"
    (site / "content/assets").mkdir()
    (site / "content/assets/logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>', encoding="utf-8")
    config = site / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace('primary_color: "#000091"', 'primary_color: "#18753c"')
                      .replace("# logo: assets/logo.svg", "logo: assets/logo.svg"), encoding="utf-8")
    result = build_site(config, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    home = parse(tmp_path / "out/index.html")
    assert home.select_one(".md-header__button.md-logo img")["src"].endswith("assets/logo.svg")
    assert "--md-primary-fg-color: #18753c;" in (tmp_path / "out/assets/campus-marque.css").read_text()


def test_this_campus_uses_the_same_branding_options(real_site):
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    options = next(p["campus"] for p in config["plugins"] if isinstance(p, dict) and "campus" in p)
    assert options["primary_color"] == "#000091"
    home = parse(real_site / "index.html")
    assert any(link["href"].endswith("assets/campus-marque.css") for link in home.find_all("link", rel="stylesheet"))
    assert "--md-primary-fg-color: #000091;" in (real_site / "assets/campus-marque.css").read_text()


LOCATED = re.compile(r"^(catalogue/[a-z]+/[a-z0-9-]+\.yml):(\d+):(\d+): « ([a-z_]+) » (?:est vide|doit contenir au moins 1 élément)")


def test_init_new_fmt_check_and_the_hooks_tell_one_story(tmp_path):
    """What `campus init` writes passes check (no warning), fmt --check and the generated pre-commit
    hooks; after three `campus new`, check prints only the located fields left to fill."""
    assert campus("init", "site", NAME, cwd=tmp_path).returncode == 0
    site = tmp_path / "site"
    check = campus("check", cwd=site)
    assert (check.returncode, check.stdout.splitlines(), check.stderr) == (
        0, ["Catalogue valide : 0 fiche (0 communauté, 0 formation, 0 outil, 0 intervention)"], "")
    assert campus("fmt", "--check", cwd=site).returncode == 0

    for type_name in ("community", "training", "tool"):
        assert campus("new", type_name, f"Première fiche {type_name}", cwd=site).returncode == 0
    check = campus("check", cwd=site)
    lines = check.stdout.splitlines()
    assert check.returncode == 1 and lines[-1] == "8 problèmes dans 3 fichiers", lines
    located = [LOCATED.match(line) for line in lines[:-1]]
    assert all(located), [line for line, found in zip(lines, located) if not found]
    assert {(m[1].split("/")[1], m[4]) for m in located} == {
        ("communities", "summary"), ("communities", "sources"), ("communities", "organisation"),
        ("trainings", "summary"), ("trainings", "sources"), ("tools", "summary"), ("tools", "sources"),
        ("tools", "kind")}
    assert "attention" not in check.stdout + check.stderr
    formatted = campus("fmt", "--check", cwd=site)
    assert formatted.returncode == 0, formatted.stdout

    # The generated pre-commit hooks, as `pre-commit install` would run them (./.venv, as the README says).
    (site / ".venv").symlink_to(Path(sys.prefix))
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    assert subprocess.run(["git", "init", "-q"], cwd=site).returncode == 0
    (site / ".git/info/exclude").write_text(".venv\n", encoding="utf-8")
    assert subprocess.run(["git", "add", "."], cwd=site).returncode == 0
    hooks = subprocess.run([str(Path(sys.prefix) / "bin" / "pre-commit"), "run", "--all-files"], cwd=site,
                           env=env, capture_output=True, text=True)
    results = dict(re.findall(r"^(campus [^.\n]+?)\.{3,}(Passed|Failed)$", hooks.stdout, re.M))
    assert results == {"campus check (fiches du catalogue)": "Failed",
                       "campus fmt --check (format de l'éditeur en ligne)": "Passed"}, hooks.stdout
    assert "catalogue/tools/premiere-fiche-tool.yml:3:10: « summary » est vide" in hooks.stdout


@pytest.mark.parametrize("direct_url, expected", [
    ({"url": "https://github.com/campus-transformation/campus", "vcs_info": {
        "vcs": "git", "commit_id": "4b9bc35" + "0" * 33, "requested_revision": "main"}},
     "mkdocs-campus @ git+https://github.com/campus-transformation/campus@4b9bc35" + "0" * 33),
    ({"url": "file:///tmp/w/mkdocs_campus-0.1.0-py3-none-any.whl", "archive_info": {"hashes": {}}},
     "mkdocs-campus @ file:///tmp/w/mkdocs_campus-0.1.0-py3-none-any.whl"),
    (None, "mkdocs-campus==0.1.0"),
])
def test_requirements_pin_the_generator_that_ran_init(direct_url, expected):
    """requirements.txt names what pip recorded in direct_url.json (PEP 610): the commit, not `@main`."""
    from mkdocs_campus.commands.pin import requirement
    assert requirement(direct_url, "0.1.0")[0] == expected


def test_a_source_folder_pins_its_commit_only_when_clean(tmp_path):
    from mkdocs_campus.commands.pin import REPOSITORY, requirement
    git = ["git", "-c", "user.name=Campus", "-c", "user.email=campus@example.org"]
    (tmp_path / "f.txt").write_text("a", encoding="utf-8")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "x"]):
        subprocess.run([*git, *args], cwd=tmp_path, check=True, capture_output=True)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=tmp_path, capture_output=True, text=True).stdout.strip()
    info = {"url": tmp_path.as_uri(), "dir_info": {"editable": True}}
    assert requirement(info, "0.1.0")[0] == f"mkdocs-campus @ git+{REPOSITORY}@{head}"
    (tmp_path / "f.txt").write_text("b", encoding="utf-8")  # uncommitted: no commit says what ran
    assert requirement(info, "0.1.0")[0] == f"mkdocs-campus @ git+{REPOSITORY}@main"


def test_gitlab_pipeline_installs_what_the_image_lacks(new_site, tmp_path):
    """The before_script's first line, run where npm is missing (debian:12): apt-get installs npm,
    Python's venv, make and git; where all are there, apt-get is not called."""
    pipeline = yaml.safe_load((new_site / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    line = pipeline["default"]["before_script"][0]
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "apt-get").write_text(f"#!/bin/sh\necho \"$@\" >> {tmp_path / 'apt.log'}\n", encoding="utf-8")
    (tools / "apt-get").chmod(0o755)
    for name in ("make", "git", "sh"):
        (tools / name).symlink_to(shutil.which(name))
    (tools / "python3").symlink_to(Path(sys.base_prefix) / "bin" / "python3")  # a Python with ensurepip
    bash = shutil.which("bash")
    subprocess.run([bash, "-c", line], env={"PATH": str(tools)}, check=True)
    calls = (tmp_path / "apt.log").read_text(encoding="utf-8").splitlines()
    assert calls[0] == "update -qq" and {"npm", "python3-venv", "make", "git"} <= set(calls[1].split())
    (tmp_path / "apt.log").unlink()
    (tools / "npm").symlink_to(tools / "make")  # npm there too: nothing to install
    subprocess.run([bash, "-c", line], env={"PATH": str(tools)}, check=True)
    assert not (tmp_path / "apt.log").exists()


def test_a_new_site_has_its_own_default_address(new_site):
    config = (new_site / "mkdocs.yml").read_text(encoding="utf-8")
    assert 'site_url: !ENV [CAMPUS_SITE_URL, "https://reseau-des-facilitateurs-d-exemple-sur-mer.example.org/"]' in config
    main = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(r"site_url: !ENV \[CAMPUS_SITE_URL, \"([^\"]+)\"\]", main)[1] not in config


def test_the_new_sites_readme_commands_work(tmp_path):
    """The generated README names the site, and each `campus` command of its code blocks runs in it
    (through ./.venv, as the README and the Makefile have it) without a usage error."""
    assert campus("init", "site", NAME, cwd=tmp_path).returncode == 0
    site = tmp_path / "site"
    readme = (site / "README.md").read_text(encoding="utf-8")
    assert readme.startswith(f"# {NAME}\n")
    (site / ".venv").symlink_to(Path(sys.prefix))
    commands = [shlex.split(line, comments=True) for block in re.findall(r"```sh\n(.*?)```", readme, re.S)
                for line in block.splitlines() if line.startswith(".venv/bin/campus ")]
    assert [c[1] for c in commands] == ["new", "check", "fmt"]
    for command in commands:
        done = subprocess.run(command, cwd=site, capture_output=True, text=True)
        assert done.returncode in (0, 1) and "Traceback" not in done.stderr, (command, done.stdout, done.stderr)
    assert (site / "catalogue/trainings/decouvrir-la-facilitation.yml").is_file()
    # Every file the README names is in the new site.
    for name in re.findall(r"`((?:\.github|\.gitlab|catalogue|content|schemas)/[^`]*|requirements\.txt|"
                           r"\.gitlab-ci\.yml|\.pre-commit-config\.yaml|\.gitignore|mkdocs\.yml)`", readme):
        assert (site / name.split(" ")[0]).exists() or (site / "catalogue" / name).exists(), name
