"""The build's « today »: one date for a whole build, so the same commit built on the same day
gives the same bytes.

It is the day of `SOURCE_DATE_EPOCH` (seconds since 1970, the reproducible-builds convention CI
sets) when that variable holds an integer, else the current day; either way the day in Paris
(Europe/Paris), where the catalogue's sessions take place. What depends on it: which sessions are
to come or passed, the next session on cards and the « Session à venir » facet, the agenda and the
calendar feeds' DTSTAMP, `campus review`'s notion of a stale record.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Mapping
from zoneinfo import ZoneInfo

TIMEZONE = ZoneInfo("Europe/Paris")
ENV_VAR = "SOURCE_DATE_EPOCH"


def build_today(environ: Mapping[str, str] | None = None) -> dt.date:
    """The build's date: SOURCE_DATE_EPOCH's day in Paris when set to an integer, else today's."""
    value = (os.environ if environ is None else environ).get(ENV_VAR, "").strip()
    moment = None
    if re.fullmatch(r"-?[0-9]{1,11}", value):
        try:
            moment = dt.datetime.fromtimestamp(int(value), tz=dt.timezone.utc)
        except (OverflowError, OSError, ValueError):  # a date no calendar holds: the clock's
            moment = None
    if moment is None:
        moment = dt.datetime.now(tz=dt.timezone.utc)
    return moment.astimezone(TIMEZONE).date()


def session_end(start: dt.date, end: dt.date | None) -> dt.date:
    """A session's last day (its start when it has no end)."""
    return end or start


def is_upcoming(start: dt.date, end: dt.date | None, today: dt.date) -> bool:
    """A session is to come until its last day is over: on that day it still is."""
    return session_end(start, end) >= today


__all__ = ["TIMEZONE", "build_today", "is_upcoming", "session_end"]
