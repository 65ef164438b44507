"""`campus fmt` and theme/admin/campus-format.js: one YAML format, two emitters, same bytes."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from mkdocs_campus.catalogue import fmt
from mkdocs_campus.commands.cli import main
from mkdocs_campus.catalogue.load import parse_yaml

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "catalogue"
JS_MODULE = ROOT / "theme" / "admin" / "campus-format.js"
JS_YAML = ROOT / "node_modules" / "js-yaml" / "dist" / "js-yaml.mjs"
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None or not JS_YAML.exists(), reason="node or js-yaml (make npm) missing")

DRIVER = r"""
import { emit, parse, formatter } from "./admin/campus-format.js";
import { readFileSync } from "node:fs";
const cases = JSON.parse(readFileSync(0, "utf8"));
const out = cases.map(([op, kind, value]) => {
  try {
    if (op === "emit") return emit(kind, value);
    if (op === "parse") return parse(value);
    if (op === "save") { const f = formatter(kind); return f.toFile(f.fromFile(value)); }
    if (op === "edit") { const f = formatter(kind); const d = f.fromFile(value[0]); d.summary = value[1]; return f.toFile(d); }
  } catch (e) { return { error: String(e) }; }
});
process.stdout.write(JSON.stringify(out));
"""


@pytest.fixture(scope="session")
def js(tmp_path_factory):
    """Runs a batch of [op, kind, value] cases through campus-format.js in one node process."""
    if NODE is None or not JS_YAML.exists():
        pytest.skip("node or js-yaml (make npm) missing")
    folder = tmp_path_factory.mktemp("js")
    (folder / "admin" / "vendor").mkdir(parents=True)
    shutil.copy(JS_MODULE, folder / "admin" / "campus-format.js")
    shutil.copy(JS_YAML, folder / "admin" / "vendor" / "js-yaml.mjs")
    (folder / "driver.mjs").write_text(DRIVER, encoding="utf-8")

    def run(cases):
        done = subprocess.run([NODE, str(folder / "driver.mjs")], input=json.dumps(cases), capture_output=True,
                              text=True, encoding="utf-8", timeout=60, check=True)
        return json.loads(done.stdout)
    return run


# --- data drawn from the models ----------------------------------------------------------------

FRAGMENTS = ["a", "é", "Été", " ", "  ", ":", ": ", "#", " #", "-", "- ", "'", '"', "\\", "yes", "no", "No", "on",
             "null", "~", "1", "0", "010", "0x1F", "0o7", "1.5", "1e3", ".5", "1_000", "5:30", ".inf", "2024-01-05",
             "2024-1-5", "2024-01-05 10:00:00", "«", "»", "’", "🙂", "\u00a0", "[", "]", "{", "}", ",", "&", "*",
             "!", "|", ">", "%", "@", "`", "?", "<<", "=", "\u200b", "...", "---", "x", "true"]
LINE = st.lists(st.sampled_from(FRAGMENTS), max_size=6).map("".join) | st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=12)
TEXT = LINE.filter(lambda s: not fmt.ESCAPED.search(s.replace("\u200b", "")))  # what the loader accepts
MULTILINE = st.builds(lambda lines, end: "\n".join(lines) + end,
                      st.lists(TEXT | st.just("") | TEXT.map(lambda s: s + "  ") | TEXT.map(lambda s: "  " + s),
                               min_size=1, max_size=5), st.sampled_from(["", "\n", "\n\n"]))
STRING = TEXT | MULTILINE
CONTROLS = st.text(st.characters(min_codepoint=0, max_codepoint=0x3000, blacklist_categories=("Cs",)), max_size=8)
DATES = st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31))
LISTS = {"themes", "sources", "audience", "communities", "requested_by", "facilitated_by", "organisations",
         "objectives", "methods", "tools", "outcomes"}
INTS = {"value", "founded"}


def value_of(field: str, kind: str | None, depth: int, strings) -> st.SearchStrategy:
    if kind == "date":
        return DATES
    if kind in fmt._SHAPES:
        one = record_of(kind, depth + 1, strings)
        return one if field == "contact" else st.lists(one, max_size=3)
    if field in INTS:
        return st.integers(0, 10_000_000)
    if field in LISTS:
        return st.lists(strings, max_size=3)
    return strings


@st.composite
def record_of(draw, model: str, depth: int = 0, strings=STRING):
    fields = fmt._SHAPES[model]
    chosen = draw(st.permutations(fields))[: draw(st.integers(0, len(fields)))]
    data = {name: draw(value_of(name, kind, depth, strings)) for name, kind in chosen}
    if draw(st.booleans()) and depth == 0:
        data[draw(TEXT.filter(lambda k: k and k != "<<"))] = draw(strings)  # a key the model does not know: kept, at the end
    return data


@st.composite
def files(draw, strings=STRING):
    kind = draw(st.sampled_from(sorted(fmt.KINDS)))
    model = fmt.KINDS[kind]
    data = draw(st.lists(record_of(model, 1, strings), max_size=3)) if kind in fmt.r.REFERENCE_LISTS \
        else draw(record_of(model, 0, strings))
    return kind, data


def as_json(value):
    return json.loads(json.dumps(value, default=lambda v: v.isoformat()))


def loaded(text: str):
    doc, problems = parse_yaml(text.encode("utf-8"), "x.yml")
    assert doc is not None, (problems, text)
    return doc.data


FAST = settings(max_examples=200, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- properties --------------------------------------------------------------------------------

@FAST
@given(files())
def test_python_emit_reads_back_the_same_data_with_pyyaml(case):
    kind, data = case
    text = fmt.emit(kind, data)
    assert loaded(text) == data
    assert text.startswith(fmt.HEADERS[kind] + "\n") and text.endswith("\n") and not text.endswith("\n\n")


@FAST
@given(files())
def test_fmt_is_idempotent_and_keeps_the_meaning(case):
    kind, data = case
    text = fmt.emit(kind, data)
    new, problems = fmt.format_text(text.encode("utf-8"), kind, "x.yml")
    assert problems == [] and new == text


def test_js_emitter_writes_the_same_bytes_and_js_yaml_reads_the_same_data(js):
    cases = []  # drawn by Hypothesis, then run through node in one process

    @FAST
    @given(files())
    def collect(case):
        cases.append(case)

    @settings(max_examples=100, derandomize=True, deadline=None)
    @given(files(CONTROLS))
    def collect_odd(case):  # any character, control ones too: escapes must agree
        cases.append(case)

    collect()
    collect_odd()
    emitted = js([["emit", kind, as_json(data)] for kind, data in cases])
    texts = [fmt.emit(kind, data) for kind, data in cases]
    for case, mine, theirs in zip(cases, texts, emitted):
        assert theirs == mine, case
    parsed = js([["parse", None, text] for text in texts])
    for (kind, data), back in zip(cases, parsed):
        assert back == as_json(data), (kind, data)


def test_js_table_of_models_is_the_python_one():
    line = next(l for l in JS_MODULE.read_text(encoding="utf-8").splitlines() if l.startswith("export const MODELS"))
    assert line == f"export const MODELS = {fmt.js_table()};", \
        "régénérez la table : python -m mkdocs_campus.commands.fmt --js-table"
    headers = JS_MODULE.read_text(encoding="utf-8")
    for header in fmt.HEADERS.values():
        assert json.dumps(header, ensure_ascii=False) in headers


# --- the real catalogue ------------------------------------------------------------------------

def catalogue_files():
    return sorted(p for p in CATALOGUE.rglob("*.yml"))


def test_the_catalogue_is_in_the_editor_format():
    for path in catalogue_files():
        raw = path.read_bytes()
        new, problems = fmt.format_text(raw, fmt.kind_of(path), str(path))
        assert problems == [] and new.encode("utf-8") == raw, path


@needs_node
def test_opening_and_saving_in_the_editor_leaves_every_file_byte_identical(js):
    paths = catalogue_files()
    kinds = [fmt.kind_of(p) for p in paths]
    saved = js([["save", kind if kind in fmt.r.RECORD_TYPES else "list", p.read_text(encoding="utf-8")]
                for kind, p in zip(kinds, paths)])
    for path, text in zip(paths, saved):
        assert text == path.read_text(encoding="utf-8"), path


@needs_node
def test_editing_one_summary_is_a_one_line_diff(js):
    path = CATALOGUE / "communities" / "codeveloppeurs.yml"
    before = path.read_text(encoding="utf-8")
    data = loaded(before)
    data["summary"] = "Un résumé : modifié, avec « guillemets » et #dièse"
    python = fmt.emit("community", data)
    [javascript] = js([["edit", "community", [before, data["summary"]]]])
    assert javascript == python
    changed = [l for l in difflib.unified_diff(before.splitlines(), python.splitlines(), lineterm="", n=0)
               if l[:1] in "+-" and not l.startswith(("+++", "---"))]
    assert changed == ["-" + before.splitlines()[2], '+summary: "' + data["summary"] + '"']


# --- comments, refusals and the command --------------------------------------------------------

def small_catalogue(tmp_path: Path) -> Path:
    root = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE, root)
    return root


def test_a_stray_comment_is_refused_by_fmt_and_reported_by_check(tmp_path, monkeypatch, capsys):
    root = small_catalogue(tmp_path)
    path = root / "tools" / "micro-defis.yml"
    text = path.read_text(encoding="utf-8").replace("\nsummary:", "\n# à revoir\nsummary:", 1)
    path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["fmt", "catalogue"]) == 1
    out = capsys.readouterr().out
    assert "catalogue/tools/micro-defis.yml:3:1: commentaire : l'éditeur en ligne le supprimerait" in out
    assert path.read_text(encoding="utf-8") == text
    # campus check warns (the record is valid, a comment is no error), on stderr or as a GitHub annotation.
    assert main(["check"]) == 0
    assert capsys.readouterr().err == ("catalogue/tools/micro-defis.yml:3:1: attention : commentaire : l'éditeur en "
                                       "ligne le supprimerait (déplacez-le dans la description ou supprimez-le (campus fmt --drop-comments FICHIER les supprime))\n")
    assert main(["check", "--format", "github"]) == 0
    assert "::warning file=catalogue/tools/micro-defis.yml,line=3,col=1,title=campus check::commentaire" \
        in capsys.readouterr().out


def test_a_hash_inside_a_value_or_a_description_is_no_comment():
    text = (fmt.HEADERS["tool"] + "\ntitle: C# et F#\nsummary: \"a #b\"\ndescription: |\n  # Titre\n\n  ## Sous-titre\n")
    assert fmt.comments(text, "tool") == []
    assert fmt.comments(text + "# fin\n", "tool") == [(8, 1)]
    assert fmt.comments(text.replace("title: C# et F#", "title: C# et F# # oui"), "tool") == [(2, 17)]
    block = fmt.comment_problems(text + "# un\n# bloc\n\n# autre\n", "tool", "x.yml")
    assert [(p.line, p.column) for p in block] == [(8, 1), (11, 1)]  # one warning per block of lines
    inline = fmt.comment_problems(text + "# un # deux\nx: 1 # trois\n", "tool", "x.yml")
    assert [(p.line, p.column) for p in inline] == [(8, 1)]


def test_check_lists_files_not_in_the_format_and_fmt_rewrites_them(tmp_path, monkeypatch, capsys):
    root = small_catalogue(tmp_path)
    path = root / "interventions" / "forum-rsa.yml"
    original = path.read_text(encoding="utf-8")
    messy = original.replace("location: Paris\n", "").replace("title: Forum RSA\n", "location: 'Paris'\ntitle: \"Forum RSA\"\n")
    messy = messy.replace("published: 2026-11-22", "published: '2026-11-22'").splitlines()
    messy = "\n".join(messy[1:]) + "\n"  # the header lost too
    path.write_text(messy, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["fmt", "--check"]) == 1
    out = capsys.readouterr().out
    assert out.strip() == ("catalogue/interventions/forum-rsa.yml:1:1: pas au format de l'éditeur en ligne "
                           "(lancez « campus fmt » pour le mettre en forme)")
    assert path.read_text(encoding="utf-8") == messy
    assert main(["fmt"]) == 0
    assert path.read_text(encoding="utf-8") == original
    assert main(["fmt", "--check", "catalogue"]) == 0


@pytest.mark.parametrize("content, expected", [
    ("title: [unclosed\n", "erreur de syntaxe YAML"),
    ("title: a\ntitle: b\n", "clé « title » en double"),
    ("value: 010\n", "nombre ambigu « 010 »"),
    ("title: 2024-01-01 10:00:00\n", "valeur que l'éditeur en ligne ne sait pas écrire"),
])
def test_a_file_fmt_cannot_read_is_one_located_line_and_left_alone(tmp_path, monkeypatch, capsys, content, expected):
    root = small_catalogue(tmp_path)
    path = root / "tools" / "micro-defis.yml"
    path.write_text(content, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["fmt", "catalogue/tools/micro-defis.yml"]) == 1
    out = capsys.readouterr().out.strip()
    assert "\n" not in out and out.startswith("catalogue/tools/micro-defis.yml:") and expected in out
    assert "Traceback" not in out and path.read_text(encoding="utf-8") == content


def test_a_file_outside_the_catalogue_is_refused(tmp_path, monkeypatch, capsys):
    (tmp_path / "autre.yml").write_text("a: 1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["fmt", "autre.yml", "absent.yml"]) == 1
    out = capsys.readouterr().out
    assert "autre.yml:1:1: ni une fiche ni une liste du catalogue" in out and "absent.yml:1:1: fichier introuvable" in out


def test_the_command_runs_as_campus_fmt(tmp_path):
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "campus"), "fmt", "--check", str(CATALOGUE)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0 and done.stdout == "" and done.stderr == ""


def test_hooks_and_ci_run_campus_fmt_check(tmp_path):
    import yaml
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert hooks["campus-fmt"]["entry"] == "campus fmt --check" and hooks["campus-fmt"]["language"] == "python"
    for config in (ROOT / ".pre-commit-config.yaml", ROOT / "generator" / "starter" / "_pre-commit-config.yaml"):
        local = {h["id"]: h for h in yaml.safe_load(config.read_text(encoding="utf-8"))["repos"][0]["hooks"]}
        assert local["campus-fmt"]["entry"] == ".venv/bin/campus fmt --check", config
    assert ".venv/bin/campus fmt --check --format github" in (ROOT / ".github/workflows/site.yml").read_text()
    assert ".venv/bin/campus fmt --check" in (ROOT / ".gitlab-ci.yml").read_text()
    # The published hook's entry, as pre-commit runs it on a file not in the format.
    root = small_catalogue(tmp_path)
    record = root / "tools" / "micro-defis.yml"
    record.write_text(record.read_text(encoding="utf-8").replace("title:", "title:  ", 1), encoding="utf-8")
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "campus"), "fmt", "--check", "catalogue/tools/micro-defis.yml"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 1 and done.stdout.startswith("catalogue/tools/micro-defis.yml:1:1: pas au format")


def test_a_new_record_is_written_in_the_format(tmp_path, monkeypatch, capsys):
    small_catalogue(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["new", "tool", "Un outil : essai"]) == 0
    path = tmp_path / "catalogue" / "tools" / "un-outil-essai.yml"
    scaffold = path.read_text(encoding="utf-8")
    assert main(["fmt", "--check", "catalogue/tools/un-outil-essai.yml"]) == 0  # no help comment to drop
    assert main(["fmt", "catalogue/tools/un-outil-essai.yml"]) == 0
    text = path.read_text(encoding="utf-8")
    assert text == scaffold
    assert text.startswith(fmt.HEADERS["tool"] + "\ntitle: \"Un outil : essai\"\nsummary: \"\"\n")
    assert fmt.comments(text, "tool") == []
