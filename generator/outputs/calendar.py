"""Calendar feeds (iCalendar, RFC 5545) of the trainings' sessions, written by the `icalendar`
library (it folds lines at 75 octets and escapes text): `agenda.ics` for the whole catalogue and
`formations/<id>/sessions.ics` for each training with sessions (« Ajouter à mon agenda »).

Each session is an all-day event (DTSTART and DTEND as dates, DTEND the day after its last day)
whose UID is stable from one build to the next (the training's id and the session's first day,
at the site's host), whose DTSTAMP is the build's « today » (generator/catalogue/clock.py), so
the same commit built on the same day gives the same bytes. The catalogue's feed keeps the
sessions that ended less than `AGENDA_PAST_DAYS` ago, so a subscriber's calendar keeps the
recent ones; a training's feed keeps all of its sessions.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from icalendar import Calendar, Event, Timezone, vDuration, vText

from ..catalogue import records as r
from ..catalogue.clock import TIMEZONE, is_upcoming, session_end
from ..catalogue.model import Catalogue, Entry
from .dates import CALENDAR_FILE, french_month, session_dates, session_row, split_sessions
from .exports import absolute_url
from .present import relative_url, safe_text

AGENDA_FEED = "agenda.ics"
AGENDA_URL = "agenda/"
AGENDA_PAST_DAYS = 365
PRODUCT = "-//Campus//Agenda des formations//FR"


def training_feed_path(entry: Entry) -> str:
    """Where a training's own feed is published: beside its page."""
    return f"{entry.type_info.section}/{entry.id}/{CALENDAR_FILE}"


def training_feed_path_pattern() -> str:
    """The feeds' paths as the open data page names them."""
    return f"{r.RECORD_TYPES['training'].section}/<identifiant>/{CALENDAR_FILE}"


def _text(value: str) -> str:
    # No control character in a TEXT value (RFC 5545 3.3.11); line breaks the library escapes.
    return safe_text(value.replace("\r\n", "\n").replace("\r", "\n"))


def _uids(entry: Entry, host: str) -> dict[int, str]:
    """A UID for each session: the training's id and first day; sessions starting the same day
    are numbered in the order of their last day and place."""
    sessions = entry.record.sessions
    order = sorted(range(len(sessions)), key=lambda i: (sessions[i].start, session_end(sessions[i].start, sessions[i].end),
                                                       sessions[i].place or "", sessions[i].note or ""))
    uids, seen = {}, {}
    for i in order:
        day = sessions[i].start.strftime("%Y%m%d")
        seen[day] = seen.get(day, 0) + 1
        uids[i] = f"{entry.id}-{day}" + (f"-{seen[day]}" if seen[day] > 1 else "") + f"@{host}"
    return uids


def _event(entry: Entry, session, uid: str, stamp: dt.datetime, site_url: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", session.start)
    event.add("dtend", session_end(session.start, session.end) + dt.timedelta(days=1))
    event.add("summary", vText(_text(entry.title)))
    if session.place:
        event.add("location", vText(_text(session.place)))
    lines = [entry.record.summary, f"Dates : {session_dates(session.start, session.end)}"]
    if session.note:
        lines.append(f"Remarque : {session.note}")
    if site_url:
        page = absolute_url(site_url, entry.url)
        event.add("url", page)
        lines.append(page)
    if entry.record.url:
        lines.append(f"Inscription : {entry.record.url}")
    event.add("description", vText(_text("\n".join(lines))))
    event.add("transp", "TRANSPARENT")  # all-day: does not make the agent busy
    return event


def _calendar(name: str, description: str, events: list[Event], today: dt.date) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # vText: escaped as text whatever type the library gives these names (it gives NAME none)
    calendar.add("name", vText(_text(name)))  # RFC 7986
    calendar.add("x-wr-calname", vText(_text(name)))  # what Outlook, Apple and Google read
    calendar.add("description", vText(_text(description)))
    calendar.add("refresh-interval", dt.timedelta(days=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(dt.timedelta(days=1)))
    for event in events:
        calendar.add_component(event)
    if not events:  # RFC 5545 wants one component at least: the time zone of the sessions' days, this year
        calendar.add_component(Timezone.from_tzid(TIMEZONE.key, first_date=dt.date(today.year, 1, 1),
                                                  last_date=dt.date(today.year, 12, 31)))
    return calendar.to_ical()


def _host(site_url: str) -> str:
    return (urlsplit(site_url).hostname if site_url else None) or "campus.invalid"


def _stamp(today: dt.date) -> dt.datetime:
    return dt.datetime.combine(today, dt.time(), tzinfo=dt.timezone.utc)


def training_feed(entry: Entry, today: dt.date, site_url: str, site_name: str) -> bytes:
    """A training's feed: every session of it, soonest first."""
    uids = _uids(entry, _host(site_url))
    sessions = entry.record.sessions
    order = sorted(range(len(sessions)), key=lambda i: uids[i])
    events = [_event(entry, sessions[i], uids[i], _stamp(today), site_url) for i in order]
    return _calendar(f"{entry.title} — {site_name}", f"Les sessions de la formation « {entry.title} ».", events, today)


def agenda_feed(catalogue: Catalogue, today: dt.date, site_url: str, site_name: str) -> bytes:
    """The catalogue's feed: every session not ended more than AGENDA_PAST_DAYS ago."""
    host, stamp = _host(site_url), _stamp(today)
    since = today - dt.timedelta(days=AGENDA_PAST_DAYS)
    events = []
    for entry in catalogue.of_type("training"):
        uids = _uids(entry, host)
        for i, session in enumerate(entry.record.sessions):
            if is_upcoming(session.start, session.end, since):
                events.append((session.start, uids[i], _event(entry, session, uids[i], stamp, site_url)))
    events.sort(key=lambda item: item[:2])
    return _calendar(f"Agenda — {site_name}", "Les sessions des formations du campus.", [e for *_, e in events], today)


def calendar_files(catalogue: Catalogue, today: dt.date, site_url: str, site_name: str) -> dict[str, bytes]:
    """Path -> bytes of every calendar feed: the catalogue's, then each training's."""
    files = {AGENDA_FEED: agenda_feed(catalogue, today, site_url, site_name)}
    for entry in calendar_trainings(catalogue):
        files[training_feed_path(entry)] = training_feed(entry, today, site_url, site_name)
    return files


def calendar_trainings(catalogue: Catalogue) -> list[Entry]:
    """The trainings that have a feed of their own: those with sessions."""
    return [e for e in catalogue.of_type("training") if e.record.sessions]


def calendar_names(catalogue: Catalogue) -> list[str]:
    """The paths `calendar_files` gives, in its order, without computing the files."""
    return [AGENDA_FEED, *(training_feed_path(e) for e in calendar_trainings(catalogue))]


def agenda_page(catalogue: Catalogue, today: dt.date) -> dict:
    """Template data of the « Agenda » page (at AGENDA_URL): the sessions to come, by month, and
    the dated interventions of the last AGENDA_PAST_DAYS days and to come."""
    rows = []
    for entry in catalogue.of_type("training"):
        upcoming, _ = split_sessions(entry.record.sessions, today)
        for session in upcoming:
            rows.append((session.start, entry.id, dict(session_row(session), title=entry.title,
                                                        url=relative_url(AGENDA_URL, entry.url))))
    rows.sort(key=lambda row: row[:2])
    months: list[dict] = []
    for start, _id, row in rows:
        label = french_month(start)
        if not months or months[-1]["label"] != label:
            months.append({"label": label, "sessions": []})
        months[-1]["sessions"].append(row)
    since = today - dt.timedelta(days=AGENDA_PAST_DAYS)
    interventions = {"upcoming": [], "recent": []}
    for entry in catalogue.of_type("intervention"):
        rec = entry.record
        if not rec.date:
            continue
        last = rec.end_date or rec.date
        if last < since:
            continue
        item = {"title": entry.title, "url": relative_url(AGENDA_URL, entry.url), "place": rec.location or "",
                "dates": session_dates(rec.date, rec.end_date), "start_iso": rec.date.isoformat(), "sort": rec.date}
        interventions["upcoming" if last >= today else "recent"].append(item)
    interventions["upcoming"].sort(key=lambda i: (i["sort"], i["title"]))
    interventions["recent"].sort(key=lambda i: (i["sort"], i["title"]), reverse=True)
    for items in interventions.values():
        for item in items:
            del item["sort"]
    return {"months": months, "count": len(rows), "feed_url": relative_url(AGENDA_URL, AGENDA_FEED),
            "interventions": interventions, "past_days": AGENDA_PAST_DAYS}


__all__ = ["AGENDA_FEED", "AGENDA_URL", "agenda_feed", "agenda_page", "calendar_files", "calendar_names",
           "training_feed", "training_feed_path"]
