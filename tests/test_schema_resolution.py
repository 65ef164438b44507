"""The JSON Schemas resolve for reusers and editors wherever they are read from.

check-jsonschema (pinned in requirements.lock), the tool a reuser runs, validates the published
export and the records from another folder, and over HTTP from a server on 127.0.0.1, with
references (`campus.schema.json` -> `organisations.schema.json`…) resolved by the tool itself.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, FolderServer
from mkdocs_campus.catalogue import records as r
from mkdocs_campus.commands.cli import main

CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"


def check_jsonschema(schema: str, *instances: Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(CHECK_JSONSCHEMA), "--no-cache", "--schemafile", schema, *map(str, instances)],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


def record_files(record_type: r.RecordType) -> list[Path]:
    return [p for root in (ROOT / "catalogue", FIXTURES / "mini" / "catalogue")
            for p in sorted((root / record_type.folder).glob("*.yml"))]


@pytest.fixture(scope="module")
def served_site(real_site):
    """The built real site on http://127.0.0.1:PORT/, served by a thread."""
    with FolderServer(real_site) as server:
        yield server.url()


@pytest.fixture()
def elsewhere(tmp_path) -> Path:
    """A working folder that is neither the repository nor the schemas' folder."""
    folder = tmp_path / "ailleurs"
    folder.mkdir()
    return folder


def test_published_schemas_have_absolute_ids_under_the_site_address(real_site):
    site_url = json.loads((real_site / "donnees" / "campus.json").read_text(encoding="utf-8"))["records"][0]["page"]
    site_url = site_url[:site_url.index("communautes/")]
    for path in sorted((real_site / "donnees" / "schemas").glob("*.schema.json")):
        assert json.loads(path.read_text(encoding="utf-8"))["$id"] == f"{site_url}donnees/schemas/{path.name}"
    for path in sorted((ROOT / "schemas").glob("*.schema.json")):  # the editors' copies: their own address
        assert "$id" not in json.loads(path.read_text(encoding="utf-8")), path.name


def test_export_and_records_validate_from_another_folder(real_site, elsewhere):
    schemas = real_site / "donnees" / "schemas"
    result = check_jsonschema(str(schemas / "campus.schema.json"), real_site / "donnees" / "campus.json",
                              cwd=elsewhere)
    assert result.returncode == 0, result.stdout + result.stderr
    for record_type in r.RECORD_TYPES.values():
        for folder in (schemas, ROOT / "schemas"):  # the published copy and the editors' copy
            result = check_jsonschema(str(folder / f"{record_type.name}.schema.json"),
                                      *record_files(record_type), cwd=elsewhere)
            assert result.returncode == 0, result.stdout + result.stderr
    lists = [(ROOT / "schemas" / f"{name}.schema.json", ROOT / "catalogue" / f"{name}.yml")
             for name in r.REFERENCE_LISTS]
    for schema, instance in lists:
        result = check_jsonschema(str(schema), instance, cwd=elsewhere)
        assert result.returncode == 0, result.stdout + result.stderr


def test_export_validates_over_http_and_broken_data_is_refused(served_site, real_site, elsewhere):
    data = json.loads((real_site / "donnees" / "campus.json").read_text(encoding="utf-8"))
    good = elsewhere / "campus.json"
    shutil.copyfile(real_site / "donnees" / "campus.json", good)
    url = f"{served_site}donnees/schemas/campus.schema.json"
    result = check_jsonschema(url, good, cwd=elsewhere)
    assert result.returncode == 0, result.stdout + result.stderr
    # References really are followed: a broken organisation (organisations.schema.json) is refused.
    data["organisations"][0]["kind"] = "pas-une-nature"
    broken = elsewhere / "broken.json"
    broken.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = check_jsonschema(url, broken, cwd=elsewhere)
    assert result.returncode == 1 and "pas-une-nature" in result.stdout, result.stdout + result.stderr
    result = check_jsonschema(f"{served_site}donnees/schemas/tool.schema.json",
                              *record_files(r.RECORD_TYPES["tool"]), cwd=elsewhere)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_export_without_site_address_validates_next_to_its_schemas(tmp_path, elsewhere):
    out = tmp_path / "export"
    assert main(["export", str(out), "--catalogue", str(FIXTURES / "mini" / "catalogue"), "--site-url", ""]) == 0
    assert "$id" not in json.loads((out / "schemas" / "campus.schema.json").read_text(encoding="utf-8"))
    result = check_jsonschema(str(out / "schemas" / "campus.schema.json"), out / "campus.json", cwd=elsewhere)
    assert result.returncode == 0, result.stdout + result.stderr
