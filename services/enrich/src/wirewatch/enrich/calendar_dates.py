"""Calendar dates written in the text, in English, Spanish, French, German, Portuguese, Russian and Arabic.

Recognised: ISO dates (2023-09-19); numeric dates (19/09/2023, 19.09.2023: day first, except in English where
a first number up to 12 is the month, as US copy writes it); day, month name and year in each language's usual
order ("19 September 2023", "September 19, 2023", "19 de septiembre de 2023", "19. September 2023",
"19 сентября 2023", "19 سبتمبر 2023"); month name and year ("September 2023"); a year after a preposition
("in 2023", "en 2023", "im Jahr 2023"). A day and month without a year are left out: their year is a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .quantities import ascii_digits

# Month names January..December per language, "|"-separated (Arabic has Egyptian and Levantine names).
_MONTH_NAMES = (
    "january|february|march|april|may|june|july|august|september|october|november|december",
    "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec",
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre",
    "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre",
    "januar|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember",
    "janeiro|fevereiro|março|abril|maio|junho|julho|agosto|setembro|outubro|novembro|dezembro",
    "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря",
    "январь|февраль|март|апрель|май|июнь|июль|август|сентябрь|октябрь|ноябрь|декабрь",
    "يناير|فبراير|مارس|أبريل|مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|نوفمبر|ديسمبر",
    "كانون الثاني|شباط|آذار|نيسان|أيار|حزيران|تموز|آب|أيلول|تشرين الأول|تشرين الثاني|كانون الأول",
)
_EXTRA_MONTHS = {"sept": 9, "setiembre": 9, "jänner": 1, "ابريل": 4, "اغسطس": 8, "اكتوبر": 10}
_MONTH_OF = {name: f"{k + 1:02d}" for names in _MONTH_NAMES for k, name in enumerate(names.split("|"))}
_MONTH_OF.update({name: f"{month:02d}" for name, month in _EXTRA_MONTHS.items()})
_MONTH = "|".join(sorted((re.escape(n) for n in _MONTH_OF), key=len, reverse=True))
_YEAR = r"(?P<year>1[89]\d\d|20\d\d)"
_DAY = r"(?P<day>[0-3]?\d)"
_OF = r"(?:\s+de|\s+del)?"  # "19 de septiembre de 2023", "septiembre del 2023"
_DAY_FIRST = re.compile(
    rf"\b{_DAY}(?:\.|er|º|°)?\s+(?:de\s+)?(?P<month>{_MONTH})\.?,?{_OF}\s+{_YEAR}(?:\s*(?:года|г\.))?",  # noqa: RUF001 - Russian
    re.IGNORECASE,
)
_MONTH_FIRST = re.compile(rf"\b(?P<month>{_MONTH})\.?\s+{_DAY}(?:st|nd|rd|th)?,?\s+{_YEAR}\b", re.IGNORECASE)
_MONTH_YEAR = re.compile(rf"\b(?P<month>{_MONTH})\.?{_OF}\s+{_YEAR}\b", re.IGNORECASE)
_ISO = re.compile(r"\b(?P<year>\d{4})-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b")
_NUMERIC = re.compile(r"\b(?P<a>[0-3]?\d)[./](?P<b>[0-3]?\d)[./](?P<year>(?:19|20)\d\d)\b")
_YEAR_ALONE = re.compile(
    r"\b(?:in|since|until|by|en|desde|hasta|dans|depuis|jusqu'en|im jahr|seit|bis|em|até|"
    rf"в|с|до|عام|منذ)\s+{_YEAR}\b",  # noqa: RUF001 - Russian
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class FoundDate:
    text: str
    date: str
    start: int
    end: int


def _valid(year: str, month: str, day: str | None = None) -> str | None:
    if not 1 <= int(month) <= 12:
        return None
    if day is None:
        return f"{year}-{int(month):02d}"
    if not 1 <= int(day) <= 31:
        return None
    return f"{year}-{int(month):02d}-{int(day):02d}"


def find_dates(text: str, lang: str | None) -> list[FoundDate]:
    """Dates in ``text`` (offsets into it), first occurrence order, overlapping weaker forms dropped."""
    scan = ascii_digits(text)  # Arabic-Indic digits read as ASCII; same length, so offsets hold
    found: list[FoundDate] = []
    # Every form has a year: look only around the years (the month-name patterns are slow over a whole text).
    for window_start, window_end in _windows(scan):
        for date in _dates_in(scan, window_start, window_end, lang):
            if not any(d.start < date.end and date.start < d.end for d in found):
                found.append(FoundDate(text[date.start : date.end], date.date, date.start, date.end))
    found.sort(key=lambda d: d.start)
    return found


_ANY_YEAR = re.compile(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)")
_BEFORE_YEAR, _AFTER_YEAR = 48, 12  # "19 de septiembre de " before it, "-09-19" or " года" after it


def _windows(scan: str) -> list[tuple[int, int]]:
    windows: list[tuple[int, int]] = []
    for m in _ANY_YEAR.finditer(scan):
        start, end = max(0, m.start() - _BEFORE_YEAR), min(len(scan), m.end() + _AFTER_YEAR)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


def _dates_in(scan: str, window_start: int, window_end: int, lang: str | None) -> list[FoundDate]:
    """The dates in ``scan[window_start:window_end]``, offsets into ``scan``."""
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, date: str | None) -> None:
        if date is None or any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        found.append(FoundDate(scan[start:end], date, start, end))

    for m in _ISO.finditer(scan, window_start, window_end):
        add(m.start(), m.end(), _valid(m["year"], m["month"], m["day"]))
    for pattern in (_DAY_FIRST, _MONTH_FIRST):
        for m in pattern.finditer(scan, window_start, window_end):
            add(m.start(), m.end(), _valid(m["year"], _MONTH_OF[m["month"].lower()], m["day"]))
    for m in _NUMERIC.finditer(scan, window_start, window_end):
        day, month = m["a"], m["b"]
        if lang == "en" and int(day) <= 12:  # US order in English copy: 9/19/2023
            day, month = month, day
        add(m.start(), m.end(), _valid(m["year"], month, day))
    for m in _MONTH_YEAR.finditer(scan, window_start, window_end):
        if m["month"].lower() in {"may", "mar", "mai"} and not m["month"][0].isupper():
            continue  # "may 2023" lower-case is the verb; "mar" and "mai" are words too
        add(m.start(), m.end(), _valid(m["year"], _MONTH_OF[m["month"].lower()]))
    for m in _YEAR_ALONE.finditer(scan, window_start, window_end):
        add(m.start("year"), m.end("year"), m["year"])
    return found
