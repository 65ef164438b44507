"""The calendar feeds at scale: agenda.ics and the trainings' sessions.ics of a synthetic catalogue.

For each size N it generates a synthetic project (bench/synthetic.py: a quarter of the records are
trainings, half of them with one session, all in 2025-2026), reads its catalogue, computes every
calendar feed (generator/outputs/calendar.py) on 1 January 2025 (so every session is in the
agenda), reads agenda.ics back with icalendar and reports its size, its events and the time taken.

    .venv/bin/python bench/calendar_feed.py --sizes 10000 [--workdir DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import synthetic  # noqa: E402
from icalendar import Calendar  # noqa: E402

from mkdocs_campus.catalogue.pipeline import read_catalogue  # noqa: E402
from mkdocs_campus.outputs import calendar  # noqa: E402

TODAY = dt.date(2025, 1, 1)


def _valid(raw: bytes) -> Calendar:
    """The feed read back, checked against what icalendar checks (required properties, one
    component at least, values that parse)."""
    calendar = Calendar.from_ical(raw)
    calendar.validate()
    for component in calendar.walk():
        if component.errors or any(name not in component for name in component.required):
            raise ValueError(f"{component.name}: {component.errors}")
    return calendar


def measure(n: int, workdir: Path, seed: int = 0) -> dict:
    """Figures of the feeds of an N-record synthetic catalogue generated under `workdir`."""
    project = Path(workdir) / f"calendar-{n}"
    synthetic.generate(project, n, seed=seed)
    catalogue = read_catalogue(project / "catalogue")
    started = time.perf_counter()
    files = calendar.calendar_files(catalogue, TODAY, "https://campus.example.org/", "Campus")
    seconds = time.perf_counter() - started
    agenda = files.pop(calendar.AGENDA_FEED)
    started = time.perf_counter()
    events = _valid(agenda).walk("VEVENT")  # raises on a malformed feed
    parse_seconds = time.perf_counter() - started
    for raw in files.values():
        _valid(raw)
    return {"records": len(catalogue.entries), "sessions": sum(len(e.record.sessions) for e in catalogue.of_type("training")),
            "events": len(events), "agenda_bytes": len(agenda), "training_feeds": len(files),
            "training_feeds_bytes": sum(len(raw) for raw in files.values()),
            "seconds": round(seconds, 2), "parse_seconds": round(parse_seconds, 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000", help="comma-separated record counts")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        for n in (int(size) for size in args.sizes.split(",")):
            print(json.dumps(measure(n, args.workdir or Path(scratch)), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
