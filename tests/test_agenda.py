"""Sessions that pass on their own: the build's « today » moves a training's session from « Prochaines
sessions » to « Sessions passées », with its card, its search facet and the agenda, and two builds
on the same day give the same bytes; the calendar feeds read back with icalendar."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pytest

from conftest import BUILD_ENV, FIXTURES, build_site, copy_project, parse
from test_calendar import assert_valid

TRAINING = "devenez-facilitateur"  # the mini fixture's session: 12 to 14 March 2025, in Paris


def _epoch(text: str) -> str:
    """SOURCE_DATE_EPOCH of an ISO instant with its offset."""
    return str(int(dt.datetime.fromisoformat(text).timestamp()))


# The session's last day, in the evening (still to come); the next day at 2 a.m. and 8 p.m. in Paris.
LAST_DAY = _epoch("2025-03-14T20:00:00+01:00")
NEXT_DAY = _epoch("2025-03-15T02:00:00+01:00")
NEXT_DAY_EVENING = _epoch("2025-03-15T20:00:00+01:00")


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    """The mini fixture built at three instants (one project, so only the day differs)."""
    project = copy_project(FIXTURES / "mini", tmp_path_factory.mktemp("agenda") / "project")
    built = {}
    for name, epoch in (("last_day", LAST_DAY), ("next_day", NEXT_DAY), ("next_day_evening", NEXT_DAY_EVENING)):
        out = project.parent / name
        result = build_site(project / "mkdocs.yml", out, {**BUILD_ENV, "SOURCE_DATE_EPOCH": epoch})
        assert result.returncode == 0, result.stderr
        built[name] = out
    return built


def _section_rows(page, heading: str) -> list[str]:
    """The text of each row of the sessions table under an h2, [] when there is no such table."""
    h2 = next((h for h in page.find_all("h2") if h.get_text(strip=True) == heading), None)
    if h2 is None:
        return []
    table = h2.find_next_sibling(["table", "h2", "p"])
    if table is None or table.name != "table":
        return []
    return [" ".join(row.get_text(" ", strip=True).split()) for row in table.select("tbody tr")]


def test_a_session_moves_to_past_sessions_the_day_after_it_ends(sites):
    before = parse(sites["last_day"] / "formations" / TRAINING / "index.html")
    after = parse(sites["next_day"] / "formations" / TRAINING / "index.html")
    row = "12 mars 2025 au 14 mars 2025 Paris"
    assert _section_rows(before, "Prochaines sessions") == [row]
    assert _section_rows(before, "Sessions passées") == []
    assert _section_rows(after, "Prochaines sessions") == []
    assert "Aucune session à venir" in after.find(id="contenu").get_text()
    assert _section_rows(after, "Sessions passées") == [row]


def _card_facts(site: Path) -> list[str]:
    listing = parse(site / "formations" / "index.html")
    card = listing.find("a", string="Devenez facilitateur").find_parent("li")
    return [li.get_text() for li in card.select(".campus-card__facts li")]


def _filters(site: Path) -> dict[str, list[str]]:
    page = parse(site / "formations" / TRAINING / "index.html")
    found: dict[str, list[str]] = {}
    for span in page.select("[data-pagefind-filter]"):
        found.setdefault(span["data-pagefind-filter"].split("[")[0], []).append(span["data-value"])
    return found


def test_the_card_search_facet_and_agenda_follow_the_day(sites):
    assert _card_facts(sites["last_day"])[0] == "Prochaine session : du 12 mars 2025 au 14 mars 2025 (Paris)"
    assert not any(f.startswith("Prochaine session") for f in _card_facts(sites["next_day"]))
    assert _filters(sites["last_day"])["session"] == ["Session à venir"]
    assert "session" not in _filters(sites["next_day"])
    meta = parse(sites["last_day"] / "formations" / TRAINING / "index.html").select_one(
        '[data-pagefind-meta^="session"]')
    assert meta["data-value"].startswith("Prochaine session : du 12 mars 2025")
    agenda_before = parse(sites["last_day"] / "agenda" / "index.html")
    agenda_after = parse(sites["next_day"] / "agenda" / "index.html")
    assert _section_rows(agenda_before, "Mars 2025") == ["12 mars 2025 au 14 mars 2025 Devenez facilitateur Paris"]
    link = agenda_before.find("a", string="Devenez facilitateur")
    assert (sites["last_day"] / "agenda" / link["href"] / "index.html").resolve() == \
        (sites["last_day"] / "formations" / TRAINING / "index.html").resolve()
    assert agenda_after.find("a", string="Devenez facilitateur") is None
    assert "Aucune session de formation à venir" in agenda_after.find(id="contenu").get_text()


def _tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_two_builds_on_the_same_day_are_byte_identical(sites):
    morning, evening = _tree(sites["next_day"]), _tree(sites["next_day_evening"])
    assert morning.keys() == evening.keys()
    # MkDocs stamps the gzip header of sitemap.xml.gz with SOURCE_DATE_EPOCH itself (CI gives one
    # value per commit and day): its content is compared.
    assert gzip.decompress(morning.pop("sitemap.xml.gz")) == gzip.decompress(evening.pop("sitemap.xml.gz"))
    assert [name for name in morning if morning[name] != evening[name]] == []
    assert _tree(sites["last_day"])["formations/index.html"] != evening["formations/index.html"]


def _events(path: Path) -> list:
    return assert_valid(path.read_bytes()).walk("VEVENT")


def test_calendar_feeds_round_trip_the_sessions(sites):
    site = sites["next_day"]
    agenda, own = _events(site / "agenda.ics"), _events(site / "formations" / TRAINING / "sessions.ics")
    assert len(agenda) == 1 and len(own) == 1  # a recent session stays in subscribers' calendars
    for event in (agenda[0], own[0]):
        assert event.decoded("dtstart") == dt.date(2025, 3, 12)
        assert event.decoded("dtend") == dt.date(2025, 3, 15)  # the day after the last, as RFC 5545 says
        assert str(event["summary"]) == "Devenez facilitateur"
        assert str(event["location"]) == "Paris"
        assert str(event["url"]) == f"https://campus.test/formations/{TRAINING}/"
        assert str(event["uid"]) == f"{TRAINING}-20250312@campus.test"
        assert event.decoded("dtstamp") == dt.datetime(2025, 3, 15, tzinfo=dt.timezone.utc)
    before = _events(sites["last_day"] / "agenda.ics")
    assert [str(e["uid"]) for e in before] == [str(agenda[0]["uid"])]  # stable from one build to the next
    raw = (site / "agenda.ics").read_bytes()
    assert all(len(line) <= 75 for line in raw.split(b"\r\n")), "lines folded at 75 octets"
    assert not raw.replace(b"\r\n", b"").count(b"\n")


def test_pages_link_to_the_calendars(sites):
    site = sites["next_day"]
    training = parse(site / "formations" / TRAINING / "index.html")
    hrefs = [link["href"] for link in training.select('link[rel="alternate"][type="text/calendar"]')]
    assert hrefs == ["../../agenda.ics", "sessions.ics"]
    add = training.find("a", string="Ajouter à mon agenda")
    assert (site / "formations" / TRAINING / add["href"]).is_file()
    other = parse(site / "outils" / "mallette" / "index.html")
    assert [link["href"] for link in other.select('link[type="text/calendar"]')] == ["../../agenda.ics"]
    data = parse(site / "donnees" / "index.html")
    feed_link = data.find("a", string="agenda.ics")
    assert (site / "donnees" / feed_link["href"]).resolve() == (site / "agenda.ics").resolve()
    assert data.find("a", string="Agenda")
