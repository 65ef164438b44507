"""The calendar feeds (generator/outputs/calendar.py) and the build's « today » (catalogue/clock.py),
without a build: hostile session text never breaks a feed nor injects an event (Hypothesis), the
day is Paris's, and a change of day changes the fingerprint of exactly the pages it changes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import re
import threading
from functools import lru_cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from conftest import FIXTURES, ROOT
from mkdocs_campus.catalogue import records as r
from mkdocs_campus.catalogue.clock import build_today
from mkdocs_campus.catalogue.pipeline import read_catalogue
from mkdocs_campus.outputs import calendar
from mkdocs_campus.outputs.present import safe_text
from mkdocs_campus.speed.dependencies import Dependencies

TODAY = dt.date(2025, 3, 1)


@pytest.fixture(scope="module")
def mini():
    return read_catalogue(FIXTURES / "mini" / "catalogue")


def test_the_build_day_is_source_date_epochs_day_in_paris():
    # 23:30 UTC on 14 March is already 15 March in Paris (UTC+1 in winter, UTC+2 in summer).
    assert build_today({"SOURCE_DATE_EPOCH": "1741995000"}) == dt.date(2025, 3, 15)
    assert build_today({"SOURCE_DATE_EPOCH": str(int(dt.datetime(2025, 7, 1, 22, 30, tzinfo=dt.timezone.utc)
                                                     .timestamp()))}) == dt.date(2025, 7, 2)
    now = dt.datetime.now(dt.timezone.utc)
    for value in ("", "demain", "1e9", "99999999999999999999"):  # no date: the clock's day
        assert abs(build_today({"SOURCE_DATE_EPOCH": value}) - now.date()) <= dt.timedelta(days=1)


# Pieces a session's or a title's text could carry to break a feed: the separators and escapes of
# RFC 5545, line breaks of every kind, and whole lines that would open or close components.
PIECES = ["a", "é", " ", ",", ";", ":", "\\", "\\n", "\\,", "\n", "\r", "\r\n", "\t", "\x0b", "\x00", '"',
          "BEGIN:VEVENT", "END:VEVENT", "END:VCALENDAR", "\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n",
          "\nBEGIN:VCALENDAR\n", "DTSTART:20300101", "x" * 80, "€" * 30]
hostile = st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map("".join)


def assert_valid(raw: bytes) -> Calendar:
    """The rules of RFC 5545 the icalendar library checks: the calendar's required properties and
    one component at least (Calendar.validate), each component's required properties, the ones it
    may have once (singletons) or not together (exclusive), and values that parse (errors)."""
    calendar = Calendar.from_ical(raw)
    calendar.validate()
    for component in calendar.walk():
        assert component.errors == [], component.errors
        for name in component.required:
            assert name in component, (component.name, name)
        for name in component.singletons:  # a property given twice is kept as a list
            assert not isinstance(component.get(name), list), (component.name, name)
        assert sum(name in component for name in component.exclusive) <= 1
    return calendar


def _expected(text: str) -> str:
    return safe_text(text.replace("\r\n", "\n").replace("\r", "\n"))


@lru_cache(maxsize=1)
def _mini_training():
    return next(e for e in read_catalogue(FIXTURES / "mini" / "catalogue").entries if e.id == "devenez-facilitateur")


@settings(max_examples=120, derandomize=True, deadline=None)
@given(title=hostile, places=st.lists(st.one_of(st.none(), hostile), min_size=1, max_size=4), note=hostile,
       offsets=st.lists(st.integers(0, 800), min_size=4, max_size=4))
def test_hostile_session_text_cannot_break_or_inject_events(title, places, note, offsets):
    entry = _mini_training()
    sessions = [r.Session.model_construct(start=TODAY + dt.timedelta(days=offset),
                                          end=TODAY + dt.timedelta(days=offset + 2), place=place, note=note)
                for offset, place in zip(offsets, places)]
    hostile_entry = dataclasses.replace(entry, record=entry.record.model_copy(update={"title": title, "sessions": sessions}))
    raw = calendar.training_feed(hostile_entry, TODAY, "https://campus.test/", "Campus ; test, \n")
    lines = raw.split(b"\r\n")
    assert lines[-1] == b"" and all(b"\n" not in line and b"\r" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines)
    unfolded = raw.replace(b"\r\n ", b"").decode("utf-8").split("\r\n")
    assert [line for line in unfolded if line.startswith(("BEGIN:", "END:"))] == (
        ["BEGIN:VCALENDAR"] + ["BEGIN:VEVENT", "END:VEVENT"] * len(sessions) + ["END:VCALENDAR"])
    events = assert_valid(raw).walk("VEVENT")
    assert len(events) == len(sessions)
    assert len({str(e["uid"]) for e in events}) == len(events)
    assert sorted((e.decoded("dtstart"), e.decoded("dtend"), str(e.get("location", ""))) for e in events) == sorted(
        (s.start, s.end + dt.timedelta(days=1), _expected(s.place) if s.place else "") for s in sessions)
    for event in events:
        assert str(event["summary"]) == _expected(title)
        assert f"Remarque : {_expected(note)}" in str(event["description"])


def test_the_agenda_keeps_a_year_of_passed_sessions_and_those_to_come(catalogue):
    path = catalogue / "trainings" / "devenez-facilitateur.yml"
    text = path.read_text(encoding="utf-8")
    start = text.index("sessions:")
    end = text.index("themes:")
    path.write_text(text[:start] + "sessions:\n  - start: 2025-09-01\n  - start: 2023-01-10\n"
                    "  - start: 2024-06-01\n    end: 2024-06-02\n" + text[end:], encoding="utf-8")
    model = read_catalogue(catalogue)
    entry = next(e for e in model.entries if e.id == "devenez-facilitateur")
    agenda = assert_valid(calendar.agenda_feed(model, dt.date(2025, 3, 1), "", "Campus"))
    assert [e.decoded("dtstart") for e in agenda.walk("VEVENT")] == [dt.date(2024, 6, 1), dt.date(2025, 9, 1)]
    own = assert_valid(calendar.training_feed(entry, dt.date(2025, 3, 1), "", "Campus"))
    assert [e.decoded("dtstart") for e in own.walk("VEVENT")] == [
        dt.date(2023, 1, 10), dt.date(2024, 6, 1), dt.date(2025, 9, 1)]
    assert "url" not in agenda.walk("VEVENT")[0]  # no site address: no URL to give


def test_an_agenda_without_sessions_is_still_a_valid_calendar(catalogue):
    path = catalogue / "trainings" / "devenez-facilitateur.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index("sessions:")] + text[text.index("themes:"):], encoding="utf-8")
    agenda = assert_valid(calendar.agenda_feed(read_catalogue(catalogue), dt.date(2025, 3, 1), "", "Campus"))
    assert agenda.walk("VEVENT") == [] and [tz["tzid"] for tz in agenda.walk("VTIMEZONE")] == ["Europe/Paris"]


def test_a_change_of_day_changes_exactly_the_pages_that_show_a_moved_session(mini):
    def fingerprints(day):
        deps = Dependencies(mini, "intro", {}, today=day)
        return {src: deps.page(src) for src in deps._pages}

    before, after = fingerprints(dt.date(2025, 3, 14)), fingerprints(dt.date(2025, 3, 15))
    later = fingerprints(dt.date(2025, 3, 16))
    changed = sorted(src for src in before if before[src] != after[src])
    # The training's page, the listing and theme showing its card, the pages showing it among
    # their relations or related resources, and the agenda.
    assert "formations/devenez-facilitateur.md" in changed and "formations/index.md" in changed
    assert "thematiques/facilitation.md" in changed and "agenda.md" in changed
    assert "communautes/facilitateurs-publics.md" in changed
    assert "outils/mallette.md" not in changed and "formations/hostile.md" not in changed
    assert "index.md" not in changed and "plan-du-site.md" not in changed
    # The next day, nothing moved: only the agenda (which may list interventions by day) changes.
    assert sorted(src for src in after if after[src] != later[src]) == ["agenda.md"]


def test_the_calendar_feed_is_well_formed_at_scale(tmp_path):
    """bench/calendar_feed.py on a small synthetic catalogue (docs/benchmarks.md has 10,000 records)."""
    spec = importlib.util.spec_from_file_location("bench_calendar_feed", ROOT / "bench" / "calendar_feed.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    report = module.measure(200, tmp_path)
    assert report["events"] == report["sessions"] > 0
    assert report["agenda_bytes"] > 0 and report["training_feeds"] > 0
    assert re.fullmatch(r"\d+\.\d{2}", f"{report['seconds']:.2f}")


def test_mkdocs_serve_asks_a_rebuild_when_the_day_changes_in_paris():
    from mkdocs_campus.adapter.serve_day import DayChange, seconds_to_next_day, watch_day
    # 22:59:59.5 UTC in winter is 23:59:59.5 in Paris: the day changes in half a second (and one more).
    assert seconds_to_next_day(dt.datetime(2025, 3, 14, 22, 59, 59, 500000, tzinfo=dt.timezone.utc)) == 1.5
    assert seconds_to_next_day(dt.datetime(2025, 7, 1, 21, 59, 59, tzinfo=dt.timezone.utc)) == 2  # summer: UTC+2

    class Server:  # what MkDocs 1.6's LiveReloadServer's file watcher sets to ask for a rebuild
        def __init__(self):
            self._rebuild_cond = threading.Condition()
            self._want_rebuild = False

    server = Server()
    day = DayChange(server, now=lambda: dt.datetime(2025, 3, 14, 22, 59, 59, 800000, tzinfo=dt.timezone.utc)).start()
    try:
        with server._rebuild_cond:
            assert server._rebuild_cond.wait_for(lambda: server._want_rebuild, timeout=10)
    finally:
        day.stop()
    with pytest.MonkeyPatch.context() as patch:  # SOURCE_DATE_EPOCH fixes the day: no timer
        patch.setenv("SOURCE_DATE_EPOCH", "1741995000")
        assert watch_day(Server()) is None
        patch.delenv("SOURCE_DATE_EPOCH")
        assert watch_day(object()) is None  # a server that cannot be asked
        started = watch_day(Server())
        assert started is not None
        started.stop()


def test_the_agenda_page_lists_sessions_by_month_and_recent_and_coming_interventions(catalogue):
    anssi = catalogue / "interventions" / "seminaire-anssi.yml"
    anssi.write_text(anssi.read_text(encoding="utf-8") + "date: 2025-02-10\n", encoding="utf-8")
    codev = catalogue / "interventions" / "groupes-codev.yml"
    codev.write_text(codev.read_text(encoding="utf-8") + "date: 2025-04-02\nend_date: 2025-04-03\nlocation: Lyon\n",
                     encoding="utf-8")
    page = calendar.agenda_page(read_catalogue(catalogue), dt.date(2025, 3, 1))
    assert [(m["label"], [s["title"] for s in m["sessions"]]) for m in page["months"]] == [
        ("Mars 2025", ["Devenez facilitateur"])]
    assert page["months"][0]["sessions"][0]["url"] == "../formations/devenez-facilitateur/"
    assert [(i["title"], i["dates"], i["place"]) for i in page["interventions"]["upcoming"]] == [
        ("Programme de co-développement des directeurs de projet", "du 2 avril 2025 au 3 avril 2025", "Lyon")]
    assert [i["dates"] for i in page["interventions"]["recent"]] == ["10 février 2025"]
    later = calendar.agenda_page(read_catalogue(catalogue), dt.date(2026, 3, 1))  # more than a year after
    assert later["months"] == [] and later["interventions"] == {"upcoming": [], "recent": [
        {"title": "Programme de co-développement des directeurs de projet", "url": "../interventions/groupes-codev/",
         "place": "Lyon", "dates": "du 2 avril 2025 au 3 avril 2025", "start_iso": "2025-04-02"}]}
