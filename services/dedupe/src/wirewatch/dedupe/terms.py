"""Words of an article as clustering and copy detection see them: tokens, weighted term vectors, shingles.

Everything here is pure and deterministic so the service, the batch command and offline evaluation agree.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence

from .scripts import root_key

# A word: letters/digits, optionally joined by an apostrophe, dot or hyphen ("U.S.", "al-Assad", "6.1").
_WORD = re.compile(r"[^\W_]+(?:['\u2019.\-][^\W_]+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_ACRONYM = re.compile(r"(?:[a-z]\.)+[a-z]?")

# Function words plus the vocabulary every news story uses ("said", "reported"): they make unrelated stories
# look alike. The list is English; other languages degrade to plain term overlap, which still works.
_STOPWORDS = """
    a about above after again against all almost also although am among an and another any are around as at
    be became because been before being below between both but by can cannot could did do does doing done down
    during each either else even ever every few for from further had has have having he her here hers herself him
    himself his how however i if in into is it its itself just least less like made make many may me might more
    most much must my myself near neither no nor not now of off on once one only or other others our ours
    ourselves out over own per perhaps rather same several she should since so some still such than that the
    their theirs them themselves then there these they this those though through thus to too toward under until
    up upon us very via was we were what whatever when where whether which while who whom whose why will with
    within without would yet you your yours yourself
    said says say saying told tell tells according reported reports report reporting news update updated
    latest breaking live video photo photos watch read more new also year years day days week weeks month
    months today yesterday tomorrow monday tuesday wednesday thursday friday saturday sunday time times people
    two three first last least including include includes another well back get got going went come came
    """
# The commonest function words of the other languages we see most (es, pt, fr, de, it, ru), so that a headline's
# "una", "der", "в" do not count as shared vocabulary.
_FOREIGN_STOPWORDS = """
    el la los las un una unos unas del al en y e o con por para sin sobre tras entre que se su sus es son fue
    da do das dos em na no nas nos um uma com pelo pela ao aos
    le les des du de une et au aux dans sur pour par avec sans est sont qui
    der die das den dem des ein eine einer und im in am zum zur von mit für auf aus nach bei ist sind
    il lo gli di che per nel nella
    """
_RUSSIAN_STOPWORDS = "в во на и с со по к ко из за от до о об у что как это"  # noqa: RUF001 - Cyrillic on purpose
# Arabic prepositions, particles and pronouns (after the article prefixes below are stripped).
_ARABIC_STOPWORDS = (
    "\u0641\u064a \u0645\u0646 \u0639\u0644\u0649 \u0625\u0644\u0649 \u0627\u0644\u0649 "  # fi min ala ila ila
    "\u0639\u0646 \u0645\u0639 \u0623\u0646 \u0627\u0646 \u0625\u0646 "  # an maa an an inna
    "\u0647\u0630\u0627 \u0647\u0630\u0647 \u062a\u064a \u0630\u064a "  # hadha hadhihi (al)lati (al)ladhi
    "\u0628\u0639\u062f \u0642\u0628\u0644 \u062e\u0644\u0627\u0644 \u0628\u064a\u0646 "  # baad qabl khilal bayn
    "\u0642\u062f \u0644\u0627 \u0645\u0627 \u0644\u0645 \u0623\u0648 \u0643\u0644"  # qad la ma lam aw kull
)
STOPWORDS = frozenset(" ".join((_STOPWORDS, _FOREIGN_STOPWORDS, _RUSSIAN_STOPWORDS, _ARABIC_STOPWORDS)).split())
# Arabic writes the article and some prepositions as part of the word: "al-jaysh", "wa-l-jaysh", "bi-l-jaysh" are
# all "jaysh". Longest first; stripped only when 3 letters remain (short words often just start that way).
_ARABIC_PREFIXES = ("\u0648\u0627\u0644", "\u0628\u0627\u0644", "\u0641\u0627\u0644", "\u0643\u0627\u0644",
                    "\u0644\u0644", "\u0627\u0644")  # fmt: skip
_ARABIC_LETTERS = re.compile(r"[\u0621-\u064a]")
# Elided articles and prepositions glued to the next word: "l'Azerbaïdjan", "d'Arménie", "dell'Iran".
_ELISION = ("l'", "d'", "dell'", "all'", "qu'", "j'", "n'", "s'", "c'")

# Relative weight of where a word occurs: the headline says what the story is, the lead says the rest.
TITLE_WEIGHT = 2.0
LEAD_WEIGHT = 1.0
# A word written with a capital inside a sentence is usually a name: names separate confusable stories.
NAME_BOOST = 1.5
LEAD_WORDS = 80
# Weight of a word's root key (scripts.root_key) beside the word: lets "Azerbaiyán" meet "Azerbaijan".
ROOT_WEIGHT = 1.0
# Languages whose compounds are one word (Bergkarabach, Militäroperation), and the lengths of last parts tried.
COMPOUNDING_LANGUAGES = frozenset({"de", "nl", "sv", "da", "no", "nb"})
MIN_COMPOUND_LETTERS = 11
COMPOUND_PART_LETTERS = (8, 9)


def tokens(text: str) -> list[str]:
    """Raw word tokens in order, case kept."""
    return _WORD.findall(text)


def normalise(token: str) -> str:
    """Lower-case and strip the most common English inflections so "strikes"/"strike" meet.

    Deliberately crude (no dictionary): it only has to map variants of one word to the same key, not produce
    a real stem, and it must stay stable across versions because term profiles are stored.
    """
    word = token.lower().replace("\u2019", "'")
    if word.endswith("'s"):
        word = word[:-2]
    for elided in _ELISION:
        if word.startswith(elided) and len(word) > len(elided) + 1:
            word = word[len(elided) :]
            break
    if _ARABIC_LETTERS.match(word):
        return _without_arabic_prefix(word)
    if _ACRONYM.fullmatch(word):  # "u.s." and "us" should meet; "6.1" must stay a number
        word = word.replace(".", "")
    if len(word) > 5 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 6 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 5 and word.endswith("ed"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _without_arabic_prefix(word: str) -> str:
    for prefix in _ARABIC_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            return word[len(prefix) :]
    return word


def is_salient(term: str) -> bool:
    """Worth comparing: not a stop word, not a one-letter token."""
    return len(term) > 1 and term not in STOPWORDS


def lead(text: str, words: int = LEAD_WORDS) -> str:
    """The first ``words`` words of the body: where news puts who, what, where and when."""
    for found, match in enumerate(_WORD.finditer(text), start=1):
        if found >= words:
            return text[: match.end()]
    return text


def _capitalised_inside_sentence(text: str) -> set[str]:
    """Normalised words written with a capital where a sentence does not start: likely names."""
    names: set[str] = set()
    for sentence in _SENTENCE_END.split(text):
        for position, token in enumerate(tokens(sentence)):
            if position > 0 and token[0].isupper():
                names.add(normalise(token))
    return names


def term_vector(title: str, text: str = "", lang: str | None = None) -> dict[str, float]:
    """An L2-normalised, sublinearly weighted term vector of the headline and the body's lead.

    Works on a headline alone (many feeds give nothing else). Weights are tf-like (1 + log of the
    position-weighted count) times a boost for names, which stands in for idf without corpus statistics.
    ``lang`` (ISO 639-1) only matters for languages that write compounds as one word (see :func:`compound_roots`).
    """
    body = lead(text)
    names = _capitalised_inside_sentence(body)
    counts: dict[str, float] = {}
    for source, weight in ((title, TITLE_WEIGHT), (body, LEAD_WEIGHT)):
        for token in tokens(source):
            term = normalise(token)
            if is_salient(term):
                counts[term] = counts.get(term, 0.0) + weight
            if "-" in token and token[0].isupper():  # "Nagorno-Karabakh" should also meet "Karabakh"
                for part in token.split("-"):
                    sub = normalise(part)
                    if len(sub) > 2 and is_salient(sub):
                        counts[sub] = counts.get(sub, 0.0) + weight / 2
    vector = {term: (1.0 + math.log(count)) * (NAME_BOOST if term in names else 1.0) for term, count in counts.items()}
    if ROOT_WEIGHT:
        for term, weight in list(vector.items()):
            if (root := root_key(term)) is not None:
                vector[root] = vector.get(root, 0.0) + weight * ROOT_WEIGHT
            if lang in COMPOUNDING_LANGUAGES:
                for root in compound_roots(term):
                    vector[root] = vector.get(root, 0.0) + weight * ROOT_WEIGHT
    return normalised(vector)


def compound_roots(term: str) -> list[str]:
    """Root keys of the possible last parts of a compound: "bergkarabach" -> ..., "~karab"; "militaroperation" ->
    ..., "~opera". German (Dutch, Scandinavian) compounds end with the part that names the thing, which other
    languages write as a word of its own. Without a dictionary every split leaving a part of
    ``COMPOUND_PART_LETTERS`` letters is tried; the wrong ones are keys nothing else has.
    """
    if len(term) < MIN_COMPOUND_LETTERS:
        return []
    tails = (term[-size:] for size in COMPOUND_PART_LETTERS if size <= len(term) - 4)
    return [r for r in dict.fromkeys(map(root_key, tails)) if r is not None and r != root_key(term)]


def normalised(vector: Mapping[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in vector.values()))
    return {t: w / norm for t, w in vector.items()} if norm else {}


def cosine(
    a: Mapping[str, float], b: Mapping[str, float], b_norm: float | None = None, a_norm: float | None = None
) -> float:
    """Cosine of two sparse vectors (either may be unnormalised); the norms when the caller knows them."""
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    dot = sum(w * large.get(t, 0.0) for t, w in small.items())
    na = a_norm if a_norm is not None else math.sqrt(sum(w * w for w in a.values()))
    nb = b_norm if b_norm is not None else math.sqrt(sum(w * w for w in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def key_terms(vector: Mapping[str, float], n: int) -> list[str]:
    """Lookup keys of a term vector: its ``n`` heaviest words, and their root keys (other spellings meet there)."""
    words = top_terms({t: w for t, w in vector.items() if not t.startswith("~")}, n)
    roots = [r for r in map(root_key, words) if r is not None]
    return list(dict.fromkeys(words + roots))


def top_terms(vector: Mapping[str, float], n: int) -> list[str]:
    """The ``n`` heaviest terms, ties broken alphabetically so the choice is deterministic."""
    return [t for t, _ in sorted(vector.items(), key=lambda item: (-item[1], item[0]))[:n]]


def shingles(text: str, size: int = 3) -> set[str]:
    """Overlapping word ``size``-grams of the lower-cased text (all words, stop words included).

    Copy detection compares wording, not topic, so nothing is dropped or stemmed here.
    """
    words = [t.lower() for t in tokens(text)]
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def is_title_case(text: str) -> bool:
    """Most words capitalised, as in many headlines: capitals then say nothing about names."""
    words = [t for t in tokens(text) if t.lower() not in STOPWORDS]
    return len(words) > 2 and sum(1 for t in words if t[0].isupper()) / len(words) > 0.6


def name_phrases(text: str, limit: int = 20) -> list[str]:
    """Runs of capitalised words inside sentences ("Nagorno-Karabakh", "Stephane Dujarric"), lower-cased.

    A stand-in for named entities when enrichment found none, so clustering still sees who and where.
    Punctuation ends a run: "in Karabakh, Armenia says" gives two names, not one.
    """
    phrases: list[str] = []

    def flush(run: list[str]) -> None:
        phrase = " ".join(run).lower()
        if run and phrase not in phrases:
            phrases.append(phrase)
        run.clear()

    for sentence in _SENTENCE_END.split(text):
        run: list[str] = []
        previous_end = None
        for position, match in enumerate(_WORD.finditer(sentence)):
            token = match.group()
            if previous_end is not None and sentence[previous_end : match.start()].strip():
                flush(run)
            previous_end = match.end()
            if position > 0 and token[0].isupper() and token.lower() not in STOPWORDS:
                run.append(token)
            else:
                flush(run)
        flush(run)
        if len(phrases) >= limit:
            break
    return phrases[:limit]


# Capitalised words that are not names of a protagonist: months, days and honorifics.
_NOT_PROTAGONIST_WORDS = """
    january february march april may june july august september october november december jan feb mar apr jun jul
    aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday mr mrs ms dr
    """
_NOT_PROTAGONISTS = frozenset(_NOT_PROTAGONIST_WORDS.split())
MIN_PROTAGONIST_MENTIONS = 2


def capitalised_mentions(title: str, text: str) -> dict[str, int]:
    """How often each normalised word is written with a capital: one pass that ranks names and finds protagonists."""
    mentions: dict[str, int] = {}
    for token in tokens(f"{title}\n{text}"):
        if token[0].isupper():
            term = normalise(token)
            mentions[term] = mentions.get(term, 0) + 1
    return mentions


def by_mentions(phrases: Sequence[str], mentions: Mapping[str, int]) -> list[str]:
    """``phrases`` most mentioned first (mentions of a phrase's last word), ties in their order."""
    order = {phrase: position for position, phrase in enumerate(phrases)}
    return sorted(phrases, key=lambda p: (-mentions.get(normalise(p.split()[-1]), 0), order[p]))


def protagonist(names: Sequence[str], mentions: Mapping[str, int]) -> str | None:
    """Who or what the story is about: the last word of the most mentioned name, if it is written at least twice.

    "Jamal Williams ... Williams said ... Williams was booked" gives "william". Two incidents of one kind of story
    (two players arrested, two coaches fired) differ exactly here while their other words agree. A headline alone
    names everything once, so it has no protagonist and the conflict check (scoring) never applies to it.
    ``names`` are name phrases, most mentioned first (:func:`by_mentions`); ``mentions`` from
    :func:`capitalised_mentions`.
    """
    for name in names:
        last = normalise(name.split()[-1])
        if len(last) <= 2 or last in _NOT_PROTAGONISTS or last in STOPWORDS:
            continue
        return last if mentions.get(last, 0) >= MIN_PROTAGONIST_MENTIONS else None
    return None


def name_words(names: Iterable[str]) -> set[str]:
    """Every normalised word of some names: "jamal williams" counts as a mention of "william"."""
    return {normalise(word) for name in names for word in name.split()}


def merge_counts(items: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return counts
