"""Instants as people in the centre read them: in the centre's time zone (setting
`PLATEAU_TIMEZONE`, Europe/Paris by default), French words, no seconds or microseconds.
Stored instants stay UTC; only what is printed or shown is local."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from server.core.clock import as_utc

DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def parse_instant(value: datetime | str) -> datetime:
    """An aware instant from a datetime (naive = UTC, as SQLite returns them) or ISO text."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return as_utc(value)


def local(value: datetime | str, zone: ZoneInfo) -> datetime:
    return parse_instant(value).astimezone(zone)


def clock_time(value: datetime | str, zone: ZoneInfo) -> str:
    """« 14 h 05 »."""
    t = local(value, zone)
    return f"{t.hour} h {t.minute:02d}"


def short_day(value: date) -> str:
    """« 04/12/2026 »."""
    return value.strftime("%d/%m/%Y")


def long_day(value: date) -> str:
    """« vendredi 4 décembre 2026 »."""
    return f"{DAYS[value.weekday()]} {value.day} {MONTHS[value.month - 1]} {value.year}"


def date_time(value: datetime | str, zone: ZoneInfo) -> str:
    """« 04/12/2026 à 22 h 46 »."""
    t = local(value, zone)
    return f"{short_day(t.date())} à {clock_time(t, zone)}"


def long_date_time(value: datetime | str, zone: ZoneInfo) -> str:
    """« vendredi 4 décembre 2026 à 22 h 46 (heure de Paris) »."""
    t = local(value, zone)
    return f"{long_day(t.date())} à {clock_time(t, zone)} ({zone_label(zone)})"


def zone_label(zone: ZoneInfo) -> str:
    """« heure de Paris », or the zone's name for another one."""
    city = str(zone.key).rsplit("/", 1)[-1].replace("_", " ")
    return f"heure de {city}" if city.isalpha() or " " in city else str(zone.key)


def duration(seconds: float) -> str:
    """« 1 h 20 min », « 53 min 20 s », « 3 j 4 h »: a length of time as people say it."""
    total = round(seconds)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} j {hours} h" if hours else f"{days} j"
    if hours:
        return f"{hours} h {minutes:02d} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {secs:02d} s" if secs else f"{minutes} min"
    return f"{secs} s"
