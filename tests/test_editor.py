"""The /admin/ editor's configuration (generator/outputs/editor.py), as the model and the built site give it.

The browser half (forms, saves, pull requests through decap-server) is test_editor_browser.py.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import typing

import pytest
import yaml
from pydantic import BaseModel

from conftest import ROOT, build_site, copy_project, FIXTURES, BUILD_ENV
from mkdocs_campus.outputs import editor
from mkdocs_campus.catalogue import records as r


def _models_in(annotation) -> list[type[BaseModel]]:
    """The record sub-models an annotation holds (Optional[Contact], list[Figure]…)."""
    found = []
    pending = [annotation]
    while pending:
        node = pending.pop()
        if isinstance(node, type) and issubclass(node, BaseModel):
            found.append(node)
        pending += list(typing.get_args(node))
    return found


def _model_paths(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Every field of a model, nested models' fields included, as dotted paths."""
    paths = set()
    for name, info in model.model_fields.items():
        paths.add(prefix + name)
        for sub in _models_in(info.annotation):
            paths |= _model_paths(sub, f"{prefix}{name}.")
    return paths


def _widget_paths(fields: list[dict], prefix: str = "") -> set[str]:
    paths = set()
    for field in fields:
        paths.add(prefix + field["name"])
        paths |= _widget_paths(field.get("fields", []), f"{prefix}{field['name']}.")
    return paths


def _by_path(fields: list[dict], prefix: str = "") -> dict[str, dict]:
    out = {}
    for field in fields:
        out[prefix + field["name"]] = field
        out.update(_by_path(field.get("fields", []), f"{prefix}{field['name']}."))
    return out


@pytest.fixture(scope="module")
def config():
    return editor.editor_config("https://github.com/campus-transformation/campus")


def _collection(config, name):
    return next(c for c in config["collections"] if c["name"] == name)


def _list_fields(config, name):
    references = _collection(config, editor.REFERENCE_COLLECTION)
    file = next(f for f in references["files"] if f["name"] == name)
    return file["fields"][0]["fields"]


def test_every_model_field_has_a_widget_and_every_widget_a_model_field(config):
    for record_type in r.RECORD_TYPES.values():
        collection = _collection(config, record_type.folder)
        assert collection["folder"] == f"catalogue/{record_type.folder}"
        assert collection["extension"] == "yml"
        assert _widget_paths(collection["fields"]) == _model_paths(record_type.model), record_type.name
    for name, (model, _label) in r.REFERENCE_LISTS.items():
        assert _widget_paths(_list_fields(config, name)) == _model_paths(model), name


def test_a_field_added_to_the_model_without_a_widget_is_noticed(config, monkeypatch):
    """The walk above sees a nested field the configuration lacks (the test's own check)."""
    collection = _collection(config, "communities")
    fields = [f for f in collection["fields"] if f["name"] != "contact"]
    fields.append({"name": "contact", "fields": [{"name": "url"}]})
    assert _widget_paths(fields) != _model_paths(r.Community)
    assert "contact.email" in _model_paths(r.Community) - _widget_paths(fields)


def _walk_info(model: type[BaseModel], prefix: str = ""):
    for name, info in model.model_fields.items():
        yield prefix + name, info
        for sub in _models_in(info.annotation):
            yield from _walk_info(sub, f"{prefix}{name}.")


def test_labels_hints_and_required_come_from_the_model(config):
    for record_type in r.RECORD_TYPES.values():
        widgets = _by_path(_collection(config, record_type.folder)["fields"])
        for path, info in _walk_info(record_type.model):
            widget = widgets[path]
            assert widget["label"] == (info.title or path.rsplit(".", 1)[-1]), path
            if widget["widget"] == "select" and "at_least" in (info.description or ""):
                # a hint naming the stored values gives the labels the list shows instead
                assert widget["hint"] == "Au choix : Exact, plus de, environ, près de.", path
            elif widget["widget"] != "relation" and info.description:
                assert widget["hint"] == info.description, path
            minimum = any(getattr(m, "min_length", 0) for m in info.metadata)
            assert widget["required"] is (info.is_required() or minimum), path


def test_references_are_relations_chosen_by_title(config):
    names = {c["name"] for c in config["collections"]}
    seen = set()
    for record_type in r.RECORD_TYPES.values():
        widgets = _by_path(_collection(config, record_type.folder)["fields"])
        for path, widget in widgets.items():
            if widget["widget"] == "relation":
                seen.add(path.rsplit(".", 1)[-1])
                assert widget["collection"] in names
                shown = widget["display_fields"][0]
                assert shown in ("title", "themes.*.title", "sources.*.title", "organisations.*.name"), path
                assert widget["search_fields"] == [shown]
                if widget["collection"] == editor.REFERENCE_COLLECTION:
                    assert widget["file"] in r.REFERENCE_LISTS
                    assert widget["value_field"] == f"{widget['file']}.*.id"
                else:
                    assert widget["value_field"] == "{{slug}}"
    assert seen >= {"themes", "sources", "source", "organisation", "communities", "collection", "publisher",
                    "tools", "facilitated_by", "requested_by", "organisations"}
    parent = _by_path(_list_fields(config, "organisations"))["parent"]
    assert (parent["widget"], parent["file"], parent["value_field"]) == ("relation", "organisations", "organisations.*.id")
    # no identifier is typed by hand, except a reference list's own
    for record_type in r.RECORD_TYPES.values():
        for path, info in _walk_info(record_type.model):
            widget = _by_path(_collection(config, record_type.folder)["fields"])[path]
            assert not (widget["widget"] == "string" and widget.get("pattern", [None])[0] == r.ID_PATTERN), path


def test_vocabularies_are_selects_with_french_labels(config):
    audience = _by_path(_collection(config, "trainings")["fields"])["audience"]
    assert audience["widget"] == "select" and audience["multiple"] is True
    assert {o["value"]: o["label"] for o in audience["options"]} == r.AUDIENCES
    kind = _by_path(_collection(config, "tools")["fields"])["kind"]
    assert kind["required"] is True and [o["label"] for o in kind["options"]] == list(r.TOOL_KINDS.values())


def test_patterns_lengths_and_dates_are_enforced_with_french_messages(config):
    widgets = _by_path(_collection(config, "communities")["fields"])
    assert widgets["url"]["pattern"] == [r.URL_PATTERN, editor._PATTERN_MESSAGES[r.URL_PATTERN]]
    assert widgets["contact.email"]["pattern"][0] == r.EMAIL_PATTERN
    title = re.compile(widgets["title"]["pattern"][0].encode().decode("unicode_escape"))
    assert title.match("x" * 300) and not title.match("x" * 301) and not title.match("a\nb")
    assert "caractères" in widgets["title"]["pattern"][1]
    assert (widgets["founded"]["min"], widgets["founded"]["max"]) == (1900, 2100)
    date = re.compile(editor.DATE_PATTERN)
    for path in ("published", "updated", "members.as_of"):
        assert widgets[path]["widget"] == editor.DATE_WIDGET  # typed AAAA-MM-JJ (theme/admin/campus-date.js)
        assert widgets[path]["pattern"] == [editor.DATE_PATTERN, editor.DATE_MESSAGE]
    assert date.match("2026-03-31") and not date.match("31/03/2026") and not date.match("2026-13-01")
    assert widgets["published"]["default"] == "{{now}}"  # a new record: today, and no update date
    assert "default" not in widgets["updated"] and "default" not in widgets["members.as_of"]


def test_no_english_left_in_the_configuration(config):
    """Commit (pull request) messages in French; no media library (no field takes media); a
    relation offers every record (no options_length); a list of sub-records counts them in French."""
    messages = config["backend"]["commit_messages"]
    assert messages["create"] == "Nouvelle fiche {{collection}} : {{slug}}"
    assert set(messages) == {"create", "update", "delete", "uploadMedia", "deleteMedia", "openAuthoring"}
    assert config["media_library"] == {"name": editor.NO_MEDIA}
    widgets = [w for c in config["collections"] if "fields" in c for w in _by_path(c["fields"]).values()]
    assert not any(w["widget"] in ("image", "file") for w in widgets)
    assert not any("options_length" in w for w in widgets)
    sessions = _by_path(_collection(config, "trainings")["fields"])["sessions"]
    assert sessions["label_singular"] == "session"


def test_every_save_is_a_pull_request_on_the_repository_of_repo_url(monkeypatch):
    monkeypatch.delenv(editor.REPO_ENV, raising=False)
    github = editor.editor_config("https://github.com/org/campus")
    assert github["publish_mode"] == "editorial_workflow" and github["locale"] == "fr"
    assert github["backend"] == {"commit_messages": editor.COMMIT_MESSAGES, "name": "github", "repo": "org/campus", "branch": "main",
                                  "open_authoring": True}
    monkeypatch.setenv(editor.GITLAB_APP_ENV, "abc123")
    gitlab = editor.editor_config("https://gitlab.example.org/group/sub/campus.git")["backend"]
    assert gitlab["name"] == "gitlab" and gitlab["repo"] == "group/sub/campus"
    assert (gitlab["auth_type"], gitlab["app_id"]) == ("pkce", "abc123")
    assert gitlab["api_root"] == "https://gitlab.example.org/api/v4"
    monkeypatch.setenv(editor.REPO_ENV, "https://gitlab.com/g/p")
    assert editor.editor_config("https://github.com/org/campus")["backend"]["repo"] == "g/p"
    monkeypatch.delenv(editor.REPO_ENV)
    with pytest.raises(editor.EditorError, match="adresse d'un dépôt"):
        editor.editor_config("https://github.com/")


def test_a_bad_repo_url_stops_the_build_with_one_french_line(tmp_path):
    project = copy_project(FIXTURES / "mini", tmp_path / "p")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "repo_url: https://github.com/\n", encoding="utf-8")
    result = build_site(config, tmp_path / "site", {**BUILD_ENV, editor.REPO_ENV: ""})
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if "adresse d'un dépôt attendue" in line]
    assert len(lines) == 1 and "repo_url « https://github.com/ »" in lines[0]


# --- the built site --------------------------------------------------------------------------

def test_the_built_site_serves_the_generated_config_and_the_bundle_itself(mini_site):
    served = yaml.safe_load((mini_site / "admin" / "config.yml").read_text(encoding="utf-8"))
    expected = editor.editor_config("https://github.com/campus-transformation/campus", "https://campus.test/")
    assert served["collections"] == expected["collections"]
    assert served["publish_mode"] == "editorial_workflow"
    page = (mini_site / "admin" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'src="([^"]+)"', page) == ["decap-cms.js", "campus-editor.js"]
    assert 'import "./campus-format.js"' in (mini_site / "admin" / "campus-editor.js").read_text(encoding="utf-8")
    assert (mini_site / "admin" / "vendor" / "js-yaml.mjs").is_file()  # campus-format.js's parser
    for collection in served["collections"]:  # the catalogue's formats of campus-format.js
        kind = "list" if "files" in collection else _type_of(collection["name"])
        assert collection["format"] == f"campus-{kind}"
    assert "https://" not in page and "http://" not in page and "//" not in page.replace("://", "")
    assert (mini_site / "admin" / "decap-cms.js").stat().st_size > 1_000_000
    assert (mini_site / "admin" / "campus-editor.js").is_file()
    version = json.loads((ROOT / "node_modules" / "decap-cms" / "package.json").read_text())["version"]
    assert version == editor.DECAP_VERSION
    # the French interface is in the bundle
    assert "Le champ %{fieldLabel} est requis." in (mini_site / "admin" / "decap-cms.js").read_text(encoding="utf-8")


def _type_of(folder: str) -> str:
    return next(t.name for t in r.RECORD_TYPES.values() if t.folder == folder)


def test_admin_is_left_out_of_sitemap_feed_and_search(mini_site):
    for name in ("sitemap.xml", "nouveautes.xml", "feed.xml", "atom.xml"):
        path = mini_site / name
        if path.is_file():
            assert "/admin" not in path.read_text(encoding="utf-8"), name
    assert "/admin" not in (mini_site / "plan-du-site" / "index.html").read_text(encoding="utf-8")
    page = (mini_site / "admin" / "index.html").read_text(encoding="utf-8")
    assert "data-pagefind-body" not in page  # other pages mark theirs: Pagefind leaves this one out
    assert 'name="robots" content="noindex"' in page
    entry = json.loads((mini_site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    marked = [p for p in mini_site.rglob("*.html") if "data-pagefind-body" in p.read_text(encoding="utf-8")]
    assert entry["languages"]["fr"]["page_count"] == len(marked)


def test_link_check_passes_with_admin(mini_site, capsys):
    from mkdocs_campus.commands.cli import main
    assert main(["links", str(mini_site)]) == 0, capsys.readouterr()


def test_a_campus_init_site_gets_the_editor_set_for_its_own_repository(tmp_path):
    from mkdocs_campus.commands.init import init_site
    site = tmp_path / "reseau"
    init_site(site, "Réseau d'essai")
    assert (site / ".github" / "rulesets" / "main.json").is_file()  # the rule README has maintainers import
    starter = json.loads((site / "package.json").read_text(encoding="utf-8"))["devDependencies"]
    assert starter["decap-cms"] == editor.DECAP_VERSION and "js-yaml" in starter
    lock = json.loads((site / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    assert lock["node_modules/decap-cms"]["version"] == editor.DECAP_VERSION
    assert lock["node_modules/decap-cms"]["integrity"].startswith("sha512-")
    result = build_site(site / "mkdocs.yml", tmp_path / "site",
                        {**BUILD_ENV, editor.REPO_ENV: "https://github.com/reseau-essai/campus"})
    assert result.returncode == 0, result.stderr
    served = yaml.safe_load((tmp_path / "site" / "admin" / "config.yml").read_text(encoding="utf-8"))
    assert served["backend"]["repo"] == "reseau-essai/campus"
    assert "Réseau d'essai" in (tmp_path / "site" / "admin" / "index.html").read_text(encoding="utf-8")
    assert "../admin/" in (tmp_path / "site" / "contribuer" / "index.html").read_text(encoding="utf-8")


def test_a_site_without_a_repository_builds_without_the_editor(tmp_path):
    project = copy_project(FIXTURES / "mini", tmp_path / "p")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "repo_url: ''\nedit_uri: ''\n", encoding="utf-8")
    result = build_site(config, tmp_path / "site", {**BUILD_ENV, editor.REPO_ENV: ""})
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "site" / "admin" / "index.html").exists()
    assert not (tmp_path / "site" / "admin" / "config.yml").exists()


def test_the_built_site_lists_every_record_id_for_the_editor_check(mini_site):
    """admin/identifiants.json: what campus-ids.js checks a new record's id against before saving."""
    published = json.loads((mini_site / "admin" / editor.IDS_FILE).read_text(encoding="utf-8"))
    assert published["types"] == {t.folder: t.label for t in r.RECORD_TYPES.values()}
    on_disk = {p.stem: p.parent.name for folder in r.RECORD_TYPES.values()
               for p in (FIXTURES / "mini" / "catalogue" / folder.folder).glob("*.yml")}
    assert {record_id: folder for record_id, (folder, _title) in published["ids"].items()} == on_disk
    title = yaml.safe_load((FIXTURES / "mini" / "catalogue" / "tools" / "micro-defis.yml").read_text(encoding="utf-8"))["title"]
    assert published["ids"]["micro-defis"] == ["tools", title]


@pytest.mark.parametrize("root", [ROOT, ROOT / "generator" / "starter"], ids=["campus", "starter"])
def test_the_ruleset_makes_publishing_wait_for_the_check_job(root):
    """The GitHub ruleset the README has maintainers import: main only through a pull request whose
    job running `campus check` passed, so the editor's « Publier » cannot merge a refused record."""
    github = root / (".github" if root == ROOT else "_github")
    ruleset = json.loads((github / "rulesets" / "main.json").read_text(encoding="utf-8"))
    assert ruleset["enforcement"] == "active" and ruleset["conditions"]["ref_name"]["include"] == ["~DEFAULT_BRANCH"]
    rules = {rule["type"]: rule.get("parameters", {}) for rule in ruleset["rules"]}
    assert "pull_request" in rules and ruleset["bypass_actors"] == []
    required = [check["context"] for check in rules["required_status_checks"]["required_status_checks"]]
    workflow = yaml.safe_load((github / "workflows" / "site.yml").read_text(encoding="utf-8"))
    checking = [job["name"] for job in workflow["jobs"].values()
                if any("campus check" in step.get("run", "") for step in job["steps"])]
    assert required == checking


LOCALES = ROOT / "node_modules" / "decap-cms-locales" / "dist" / "esm"


def test_every_phrase_decap_has_in_english_has_its_french(tmp_path):
    """Decap's `fr` locale merged with theme/admin/campus-locale.js (what the editor registers) has
    every key of Decap's `en` locale, and none left as the English text but words French shares."""
    node = shutil.which("node")
    if node is None or not LOCALES.is_dir():
        pytest.fail("node ou decap-cms-locales (make npm) manque")
    shutil.copyfile(ROOT / "theme" / "admin" / "campus-locale.js", tmp_path / "campus-locale.mjs")
    script = tmp_path / "phrases.mjs"
    script.write_text(f"""
const en = (await import({json.dumps((LOCALES / "en" / "index.js").as_uri())})).default;
const fr = (await import({json.dumps((LOCALES / "fr" / "index.js").as_uri())})).default;
const {{ PHRASES, merged }} = await import("./campus-locale.mjs");
const flat = (o, p = "", out = {{}}) => {{
  for (const [k, v] of Object.entries(o)) v && typeof v === "object" ? flat(v, p + k + ".", out) : (out[p + k] = v);
  return out;
}};
console.log(JSON.stringify([flat(en), flat(merged(fr, PHRASES))]));
""", encoding="utf-8")
    result = subprocess.run([node, str(script)], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    english, french = json.loads(result.stdout)
    assert [key for key in english if key not in french] == []
    same = {key: text for key, text in english.items() if french[key] == text}
    assert set(same.values()) <= {"Notes", "Images", "%{details}", "%{date}"}, same
