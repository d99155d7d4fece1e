"""The classifier's lexicon: cue phrases with weights for each ACLED event type and IPTC top-level media topic.

ACLED (codebook 2023): 6 event types and their 25 sub-event types, for conflict (category ``conflict``) and
demonstrations (``unrest``). IPTC Media Topics: the 17 top-level subjects, of which "conflict, war and peace" is
carried by the ACLED families. Cues are general news vocabulary; words with several senses get a low weight or a
context ("rescue teams" are not a sport).
"""

from __future__ import annotations

from dataclasses import dataclass

from .cue_gates import _LEADING_WORD, Cue, WordStarts, _cues, literal_prefixes

__all__ = ["CONFLICT_TOPIC", "FAMILIES", "Cue", "Family", "WordStarts", "literal_prefixes", "word_starts"]

CONFLICT_TOPIC = "conflict, war and peace"


@dataclass(frozen=True, slots=True)
class Family:
    """One class the classifier can answer: an ACLED event type or an IPTC topic."""

    category: str
    type: str
    topic: str
    cues: tuple[Cue, ...]
    subtypes: tuple[tuple[str, tuple[Cue, ...]], ...] = ()
    default_subtype: str | None = None

    def all_cues(self) -> tuple[Cue, ...]:
        return self.cues + tuple(cue for _, cues in self.subtypes for cue in cues)


_ACLED: tuple[Family, ...] = (
    Family(
        "conflict",
        "Battles",
        CONFLICT_TOPIC,
        _cues(
            {
                r"military operations?|offensives?|counter-?offensive": 2.0,
                r"fighting|clash(?:es|ed)?|battles?|firefights?|hostilities|combat": 2.0,
                # es, fr, de, pt, ru, ar: the core words only, so articles in those languages get a family too
                r"combates?|enfrentamientos?|combats|affrontements?|kämpfe\w*|gefechte?\w*": 2.0,
                r"бои|боёв|боях|боевые|боевых": 2.0,
                r"ofensiva|столкновени\w*|اشتباكات|معارك": 2.0,  # French "offensive" is the English word
                r"armed forces|troops|soldiers|militants|rebels|insurgents|separatists|militia": 1.0,
                r"aggression|anti-terror(?:ist)? (?:operation|activities|measures)|assault|full-scale": 1.5,
                r"wars?|front ?lines?|frontline|ceasefire|truce": 1.0,
                r"killed|casualties|wounded": 0.5,
            }
        ),
        (
            ("Armed clash", _cues({r"clash(?:es|ed)?|fighting|firefights?|battles?|offensive": 1.0})),
            ("Government regains territory", _cues({r"regain(?:s|ed)?|recaptur(?:e|ed|es)|retak(?:e|es|en)": 2.0})),
            (
                "Non-state actor overtakes territory",
                _cues({r"(?:rebels|militants|insurgents) (?:seize|seized|capture|captured|take|took)": 3.0}),
            ),
        ),
        "Armed clash",
    ),
    Family(
        "conflict",
        "Explosions/Remote violence",
        CONFLICT_TOPIC,
        _cues(
            {
                r"explosions?|blasts?|detonat(?:ed|ion)": 2.0,
                r"explosión|explosiones|explosão|explosões|bombardeos?|bombardements?|frappes? aériennes?": 2.0,
                r"luftangriff\w*|взрыв\w*": 2.0,
                r"обстрел\w*|авиаудар\w*|قصف|انفجار|غارات": 2.0,
                r"shell(?:ing|ed|s)|artillery|missiles?|rockets?|mortars?|high-precision weapons": 2.0,
                r"air ?strikes?|drone (?:strikes?|attacks?)|bomb(?:ing|ed|s)?|warplanes?": 2.0,
                r"landmines?|mines|IEDs?|improvised explosive": 1.5,
            }
        ),
        (
            (
                "Shelling/artillery/missile attack",
                _cues({r"shell(?:ing|ed)|artillery|missiles?|rockets?|mortars?": 1.0, r"high-precision weapons": 1.0}),
            ),
            ("Air/drone strike", _cues({r"air ?strikes?|drones?|warplanes?|fighter jets?|bombers?": 1.0})),
            (
                "Remote explosive/landmine/IED",
                _cues({r"landmines?|IEDs?|improvised explosive|roadside bomb|car bomb": 1.0}),
            ),
            ("Suicide bomb", _cues({r"suicide (?:bomb(?:er|ing)?|attack(?:er)?)": 3.0})),
            ("Grenade", _cues({r"grenades?": 2.0})),
            ("Chemical weapon", _cues({r"chemical (?:weapons?|attack)|sarin|chlorine gas|nerve agent": 3.0})),
        ),
        "Shelling/artillery/missile attack",
    ),
    Family(
        "conflict",
        "Violence against civilians",
        CONFLICT_TOPIC,
        _cues(
            {
                r"massacre[sd]?|civilians? (?:were |was )?(?:killed|shot|attacked)|execut(?:ed|ions?)": 3.0,
                r"abduct(?:ed|ion|s)|kidnapp(?:ed|ing)|hostages?|forced disappearance": 2.0,
                r"rap(?:e|ed)|sexual violence": 2.0,
                r"ethnic cleansing|genocide|atrocit(?:y|ies)": 2.0,
            }
        ),
        (
            ("Attack", _cues({r"massacre[sd]?|killed|shot|attack(?:ed|s)?|execut(?:ed|ions?)": 1.0})),
            ("Abduction/forced disappearance", _cues({r"abduct(?:ed|ion|s)|kidnapp(?:ed|ing)|hostages?": 2.0})),
            ("Sexual violence", _cues({r"rap(?:e|ed)|sexual violence": 2.0})),
        ),
        "Attack",
    ),
    Family(
        "unrest",
        "Protests",
        CONFLICT_TOPIC,
        _cues(
            {
                r"protests?|protesters?|demonstrat(?:ion|ions|ors|ed)|rall(?:y|ies)": 2.0,
                r"protestas?|manifestaci[oó]n\w*|manifestations?|manifestants|protestos?|manifestações": 2.0,
                r"demonstrant\w*|kundgebung\w*|протест\w*|митинг\w*|احتجاجات|مظاهرات": 2.0,
                r"march(?:ed|es|ers|ing)|march (?:against|through|on)|(?:thousands|hundreds|people|crowds?) march": 2.0,
                r"sit-ins?|strikers|walkouts?|picket|tear gas|water cannons?": 1.5,
            }
        ),
        (
            ("Peaceful protest", _cues({r"peaceful(?:ly)?|protest(?:s|ers)?|rall(?:y|ies)": 1.0})),
            ("Protest with intervention", _cues({r"arrested|detained|dispersed|tear gas|water cannon": 1.5})),
            (
                "Excessive force against protesters",
                _cues({r"protesters? (?:were )?(?:killed|shot)|live ammunition": 3.0}),
            ),
        ),
        "Peaceful protest",
    ),
    Family(
        "unrest",
        "Riots",
        CONFLICT_TOPIC,
        _cues({r"riots?|rioters?|rioting|looting|unrest|mob|set fire|torched": 2.0}),
        (
            ("Violent demonstration", _cues({r"riots?|rioters?|clashed with police|torched|set fire": 1.0})),
            ("Mob violence", _cues({r"mob|lynch(?:ed|ing)?|vigilantes?": 2.0})),
        ),
        "Violent demonstration",
    ),
    Family(
        "conflict",
        "Strategic developments",
        CONFLICT_TOPIC,
        _cues(
            {
                r"peace (?:deal|agreement|talks)|ceasefire agreement|signed an agreement|prisoner swap": 2.0,
                r"troop (?:build-?up|deployment)|mobiliz(?:ation|ed)|peacekeep(?:ers|ing)": 1.0,
                r"seized weapons|weapons cache|defused|intercepted": 1.5,
                r"withdr(?:ew|awal|aw)|handover|hand over control": 1.0,
            }
        ),
        (
            ("Agreement", _cues({r"agreement|deal|truce|ceasefire|prisoner swap": 1.0})),
            ("Arrests", _cues({r"arrest(?:ed|s)?|detain(?:ed)?": 1.0})),
            ("Disrupted weapons use", _cues({r"defused|intercepted|seized weapons|weapons cache": 1.5})),
            ("Non-violent transfer of territory", _cues({r"withdr(?:ew|awal|aw)|handover|hand over control": 1.0})),
            ("Headquarters or base established", _cues({r"base established|set up (?:a )?base|headquarters": 1.0})),
            ("Looting/property destruction", _cues({r"loot(?:ed|ing)|destroyed property|vandali[sz]ed": 1.5})),
            ("Change to group/activity", _cues({r"mobiliz(?:ation|ed)|deploy(?:ed|ment)|troop build-?up": 1.0})),
        ),
        "Other",
    ),
)


def _topic(category: str, topic: str, spec: dict[str, float]) -> Family:
    return Family(category, topic, topic, _cues(spec))


_IPTC: tuple[Family, ...] = (
    _topic(
        "politics",
        "politics",
        {
            r"elections?|vot(?:e|es|ers|ing)|ballots?|campaign(?:s|ing)?|polls?": 2.0,
            r"elecciones|élections?|wahl(?:en|kampf)\w*|eleições|выбор\w*|انتخابات": 2.0,
            r"parliament|senate|congress|lawmakers|legislat(?:ion|ure)|bill": 1.5,
            r"president|prime minister|minister|government|cabinet|diplomat(?:s|ic)?|foreign ministry": 1.0,
            r"sanctions|summit|talks|treaty|spokesperson|spokesman|spokeswoman": 0.5,
        },
    ),
    _topic(
        "economy",
        "economy, business and finance",
        {
            r"econom(?:y|ic)|inflation|gdp|recession|interest rates?|central bank": 2.0,
            r"econom[ií]a|inflaci[oó]n|économie|wirtschaft\w*|economia|inflação|экономик\w*|инфляци\w*": 2.0,
            r"اقتصاد|تضخم|banco central|banque centrale|zentralbank|центробанк\w*": 2.0,
            r"stocks?|shares|markets?|investors?|earnings|revenue|profits?|company|companies": 1.5,
            r"trade|tariffs?|exports?|imports?|prices?|oil|banks?|budget|debt": 1.0,
        },
    ),
    _topic(
        "disaster",
        "disaster, accident and emergency incident",
        {
            r"earthquakes?|quakes?|aftershocks?|tremors?|floods?|flooding|flash floods?|hurricanes?|cyclones?": 3.0,
            r"terremotos?|sismos?|séismes?|tremblements? de terre|erdbeben\w*|землетрясени\w*|زلزال": 3.0,
            r"inundaci[oó]n\w*|inondations?|überschwemmung\w*|hochwasser|enchentes?|наводнени\w*|فيضانات": 3.0,
            r"typhoons?|tsunamis?|wildfires?|bushfires?|forest fires?|landslides?|mudslides?|avalanches?": 3.0,
            r"volcan(?:o|oes|ic)|eruptions?|epicent(?:re|er)|magnitude|dams? (?:burst|collapsed?)": 2.0,
            r"crash(?:ed)?|derail(?:ed|ment)|collapsed?|disasters?|emergenc(?:y|ies)|evacuat(?:ed|ion)": 1.5,
            r"rescuers?|rescue (?:teams?|workers?|efforts?|operations?)|search[- ]and[- ]rescue|rubble": 1.5,
            r"survivors|death toll|missing|victims|injured": 1.0,
        },
    ),
    _topic(
        "crime",
        "crime, law and justice",
        {
            r"police|arrest(?:ed|s)?|charged|suspects?|murder(?:ed)?|robbery|fraud|smuggling|trafficking": 2.0,
            r"courts?|trial|judge|prosecutors?|sentenced|convicted|lawsuit|verdict": 1.5,
            r"crimes?|criminal|investigation": 1.0,
        },
    ),
    _topic(
        "health",
        "health",
        {
            r"disease|outbreak|epidemic|pandemic|virus|vaccines?|infections?|cholera|covid(?:-19)?|ebola": 2.5,
            r"epidemia|épidémie|epidemie|эпидеми\w*|وباء|brote|flambée|ausbruch|surto|вспышк\w*": 2.5,
            r"hospitals?|patients?|doctors?|health|medical|medicines?|cancer": 1.5,
        },
    ),
    _topic(
        "sport",
        "sport",
        {
            r"matches|match|tournament|championship|league|world cup|olympics?|grand slam|goals?|scored": 2.0,
            r"fútbol|futebol|fußball|футбол\w*|كرة القدم|mundial|coupe du monde|weltmeister\w*|copa do mundo": 2.0,
            r"football|soccer|tennis|cricket|basketball|rugby|golf|athletics|athletes?|stadium|striker": 1.5,
            # Words with other senses (rescue teams, players in a market, a season of rain) weigh little.
            r"teams?|players?|coach|season|cup|final|champions?": 0.5,
        },
    ),
    _topic(
        "science",
        "science and technology",
        {
            r"scientists?|research(?:ers)?|study|discovery|space|nasa|satellites?|telescope": 2.0,
            r"technology|software|artificial intelligence|\bai\b|computers?|internet|cyber(?:attack|security)?": 1.5,
        },
    ),
    _topic(
        "environment",
        "environment",
        {
            r"climate change|global warming|emissions|carbon|pollution|deforestation|biodiversity": 2.5,
            r"environment(?:al)?|wildlife|species|conservation|endangered": 1.5,
        },
    ),
    _topic(
        "weather",
        "weather",
        {
            r"weather|forecasts?|heatwaves?|heat waves?|cold snap|snowstorms?|blizzards?|rainfall|drought": 2.0,
            r"temperatures?|storms?|thunderstorms?|meteorolog(?:ical|ists?)|degrees celsius": 1.0,
        },
    ),
    _topic(
        "society",
        "society",
        {
            r"refugees?|migrants?|migration|asylum|humanitarian|poverty|homeless(?:ness)?|discrimination": 1.5,
            r"rights|women|minorit(?:y|ies)|communit(?:y|ies)|families|aid": 0.5,
            r"civilians|population|evacuation|corridors?": 0.5,
        },
    ),
    _topic(
        "education",
        "education",
        {
            r"schools?|universit(?:y|ies)|students?|teachers?|pupils|exams?|curriculum|tuition": 2.0,
            r"education(?:al)?|classrooms?|campus|graduates?": 1.5,
        },
    ),
    _topic(
        "labour",
        "labour",
        {
            r"(?<!air )(?<!drone )(?<!missile )strikes?|unions?|walkouts?|wages?|pay rise|workers": 1.0,
            r"employment|unemployment|jobs?|layoffs?": 1.0,
            r"labou?r|pensions?|retirement age|minimum wage|collective bargaining": 1.0,
        },
    ),
    _topic(
        "religion",
        "religion",
        {
            r"church(?:es)?|mosques?|temples?|synagogues?|pope|vatican|imams?|clergy|bishops?|pilgrims?": 2.0,
            r"religio(?:n|us)|faith|worship|prayers?|ramadan|christmas|easter|eid": 1.0,
        },
    ),
    _topic(
        "culture",
        "arts, culture, entertainment and media",
        {
            r"film|movie|music|album|concert|festival|museum|art|artist|actors?|actress|celebrity|book|novel": 2.0,
            r"television|series|theatre|theater|award|journalists?|newspapers?": 1.0,
        },
    ),
    _topic(
        "lifestyle",
        "lifestyle and leisure",
        {
            r"tourism|tourists?|holidays?|vacations?|restaurants?|recipes?|fashion|travel(?:lers)?|hobby": 2.0,
            r"shopping|leisure|gardening|cooking|fitness|wellness": 1.0,
        },
    ),
    _topic(
        "human_interest",
        "human interest",
        {
            r"centenarian|birthday|reunited|heartwarming|viral video|adopted|pet|zoo|record-breaking": 1.5,
        },
    ),
)
FAMILIES: tuple[Family, ...] = _ACLED + _IPTC
_KEY_LENGTHS = sorted({len(key) for f in FAMILIES for c in f.all_cues() if c.keys for key in c.keys})


def word_starts(text: str) -> WordStarts:
    """The beginnings of the words of ``text`` at the lengths cue keys have: a cue key is among them iff some word
    begins with it."""
    words = set(_LEADING_WORD.findall(text))
    return frozenset(word[:n] for word in words for n in _KEY_LENGTHS if n <= len(word))
