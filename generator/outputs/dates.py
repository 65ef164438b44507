"""Dates as pages show them: French dates, a training's sessions to come and passed on the build's
« today » (generator/catalogue/clock.py), and the names the sessions' search facet and calendar use."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from babel.dates import format_date

from ..catalogue import records as r
from ..catalogue.clock import is_upcoming, session_end

CALENDAR_FILE = "sessions.ics"  # a training's own calendar feed, beside its page (outputs/calendar.py)


@lru_cache(maxsize=8192)  # Babel is slow and a catalogue reuses the same dates many times
def french_date(value: dt.date | None) -> str:
    """'10 décembre 2024'; French writes the first of the month '1er'."""
    if not value:
        return ""
    text = format_date(value, format="long", locale="fr_FR")
    return "1er" + text[1:] if value.day == 1 else text


def french_month(value: dt.date) -> str:
    """'Mars 2025'."""
    text = format_date(value, format="LLLL y", locale="fr_FR")
    return text[:1].upper() + text[1:]


# The « Session à venir » search facet: its name in Pagefind's filters, its one value.
SESSION_FACET = "session"
SESSION_UPCOMING = "Session à venir"


def session_dates(start: dt.date, end: dt.date | None) -> str:
    """'12 mars 2025', or 'du 12 mars 2025 au 14 mars 2025'."""
    if end and end != start:
        return f"du {french_date(start)} au {french_date(end)}"
    return french_date(start)


def split_sessions(sessions, today: dt.date) -> tuple[list, list]:
    """A training's sessions to come (soonest first) and passed (latest first) on `today`."""
    upcoming = sorted((s for s in sessions if is_upcoming(s.start, s.end, today)),
                      key=lambda s: (s.start, session_end(s.start, s.end)))
    passed = sorted((s for s in sessions if not is_upcoming(s.start, s.end, today)),
                    key=lambda s: (s.start, session_end(s.start, s.end)), reverse=True)
    return upcoming, passed


def session_row(s: r.Session) -> dict:
    """One session as a table row shows it."""
    return {"start": french_date(s.start), "end": french_date(s.end), "start_iso": s.start.isoformat(),
            "end_iso": s.end.isoformat() if s.end else "", "dates": session_dates(s.start, s.end),
            "place": s.place or "", "note": s.note or ""}


__all__ = ["CALENDAR_FILE", "SESSION_FACET", "SESSION_UPCOMING", "french_date", "french_month", "session_dates", "session_row",
           "split_sessions"]
