"""Numbers written in digits, read with the separators of the article's language, and scale words after them.

"2,000" is two thousand in English and "1.500" fifteen hundred in German, Spanish or Portuguese; French and
Russian group thousands with (narrow) spaces and write decimals with a comma; Arabic may use Arabic-Indic digits
with its own separators. "2.5 million", "3 millones", "2 Milliarden", "5 млн", "3 ملايين" scale the number.
Years standing alone (1900-2099 without separators) are dates, not quantities, and are left to
:mod:`calendar_dates`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

# Arabic-Indic and Extended Arabic-Indic digits, and the Arabic separators, mapped one character to one.
_ARABIC = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٬٫", "01234567890123456789,.")  # noqa: RUF001
_DECIMAL_COMMA = frozenset({"es", "fr", "de", "pt", "ru", "it", "nl", "pl", "tr", "uk", "id"})
_SPACE_GROUPS = frozenset({"fr", "ru", "uk", "pl"})
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?!\w)")
# Where thousands are grouped with spaces, "2 000" is one number; elsewhere "in 2019 250 people" is two.
_NUMBER_SPACED = re.compile(r"(?<![\w.,])\d+(?:(?:[.,]|[ \u00a0\u202f](?=\d{3}(?!\w)))\d+)*(?!\w)")
_SCALES: dict[str, float] = {
    "thousand": 1e3, "mil": 1e3, "mille": 1e3, "tausend": 1e3, "тысяч": 1e3, "тысячи": 1e3, "тыс": 1e3,
    "ألف": 1e3, "آلاف": 1e3,
    "million": 1e6, "millions": 1e6, "millón": 1e6, "millones": 1e6, "millionen": 1e6, "mio": 1e6,
    "milhão": 1e6, "milhões": 1e6, "миллион": 1e6, "миллиона": 1e6, "миллионов": 1e6, "млн": 1e6,
    "مليون": 1e6, "ملايين": 1e6,
    "billion": 1e9, "billions": 1e9, "milliard": 1e9, "milliards": 1e9, "milliarde": 1e9, "milliarden": 1e9,
    "mrd": 1e9, "bilhão": 1e9, "bilhões": 1e9, "миллиард": 1e9, "миллиарда": 1e9, "миллиардов": 1e9,
    "млрд": 1e9, "مليار": 1e9, "مليارات": 1e9,
}  # fmt: skip
_SCALE = re.compile(r"\s+(\w+)\.?")
_MAX_NUMBERS = 50


@dataclass(frozen=True, slots=True)
class FoundNumber:
    text: str
    value: float
    start: int
    end: int


def ascii_digits(text: str) -> str:
    """``text`` with Arabic-Indic digits and separators as ASCII (same length: offsets stay valid)."""
    return text.translate(_ARABIC)


def parse_number(raw: str, lang: str | None) -> float | None:
    """The value of a digit string as the language writes numbers; None when it cannot be read."""
    decimal_comma = lang in _DECIMAL_COMMA
    text = raw.replace("\u00a0", " ").replace("\u202f", " ")
    text = text.replace(" ", "")
    thousands, decimal = (".", ",") if decimal_comma else (",", ".")
    if text.count(decimal) > 1:
        return None
    whole, _, fraction = text.partition(decimal)
    groups = whole.split(thousands)
    if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:])):
        return None  # "1,5,0" is no number in this language
    try:
        value = float("".join(groups) + (f".{fraction}" if fraction else ""))
    except ValueError:
        return None
    # 400 nines read as infinity, which no message can carry (JSON has no infinity): not a quantity.
    return value if math.isfinite(value) else None


def find_numbers(text: str, lang: str | None) -> list[FoundNumber]:
    """Numbers in ``text`` (offsets into it), at most 50, without bare years."""
    scan = ascii_digits(text)
    found: list[FoundNumber] = []
    for m in (_NUMBER_SPACED if lang in _SPACE_GROUPS else _NUMBER).finditer(scan):
        raw = m.group()
        if len(raw) == 4 and raw.isdigit() and 1900 <= int(raw) <= 2099:
            continue  # a year
        value = parse_number(raw, lang)
        if value is None:
            continue
        end = m.end()
        if (scale := _SCALE.match(scan, end)) and (factor := _SCALES.get(scale.group(1).lower())):
            if not math.isfinite(value * factor):
                continue
            value *= factor
            end = scale.end(1)
        found.append(FoundNumber(text[m.start() : end], value, m.start(), end))
        if len(found) >= _MAX_NUMBERS:
            break
    return found
