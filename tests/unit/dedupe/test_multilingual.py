"""Headlines in other languages about one event, titles only, no enrichment: what joins the English event.

Measured, not wished: es, pt, fr and ru join through root keys (Azerbaiyán/Azerbaïdjan/Азербайджан -> ~aserb,
operación/операция -> ~opera, militar -> ~milit); de too, through sound-alike spellings (Aserbaidschan -> ~aserb)
and the last parts of compounds (Bergkarabach -> ~karab, Militäroperation -> ~opera) when the article says it is
German; it joins here at 0.43, after the other languages, while against the English headline alone it scores 0.29.
Arabic script does not (it shares only names, and two shared names are not a story, see test_terms); an unrelated
English headline stays apart.
"""

from __future__ import annotations

from datetime import timedelta

from wirewatch.contracts import content_hash
from wirewatch.dedupe.features import features_from_text
from wirewatch.dedupe.offline import OfflineClusterer

from .stories import T0

HEADLINES = {
    "en": "Azerbaijan launches military operation in Nagorno-Karabakh",
    "es": "Azerbaiyán lanza una operación militar en Nagorno Karabaj",
    "pt": "Azerbaijão lança operação militar em Nagorno-Karabakh",
    "fr": "L'Azerbaïdjan lance une opération militaire au Haut-Karabakh",
    "ru": "\u0410\u0437\u0435\u0440\u0431\u0430\u0439\u0434\u0436\u0430\u043d \u043d\u0430\u0447\u0430\u043b "
    "\u0432\u043e\u0435\u043d\u043d\u0443\u044e \u043e\u043f\u0435\u0440\u0430\u0446\u0438\u044e \u0432 "
    "\u041d\u0430\u0433\u043e\u0440\u043d\u043e\u043c \u041a\u0430\u0440\u0430\u0431\u0430\u0445\u0435",
    "de": "Aserbaidschan startet Militäroperation in Bergkarabach",
    "ar": "\u0623\u0630\u0631\u0628\u064a\u062c\u0627\u0646 \u062a\u0637\u0644\u0642 \u0639\u0645\u0644\u064a\u0629 "
    "\u0639\u0633\u0643\u0631\u064a\u0629 \u0641\u064a \u0646\u0627\u063a\u0648\u0631\u0646\u0648 "
    "\u0643\u0627\u0631\u0627\u0628\u0627\u062e",
    "other": "Central bank raises interest rates to fight inflation",
}


def test_which_languages_join_the_english_event():
    clusterer = OfflineClusterer()
    for minutes, (lang, title) in enumerate(HEADLINES.items()):
        features = features_from_text(lang, title, at=T0 + timedelta(minutes=minutes), lang=lang)
        clusterer.add(features, content_hash(title, ""))
    events = clusterer.assignments()
    joined = {lang for lang in HEADLINES if events[lang] == events["en"]}
    assert joined == {"en", "es", "pt", "fr", "ru", "de"}


# "The Azerbaijani army launches a military operation in Nagorno Karabakh"
ARABIC_ARMY = (
    "\u0627\u0644\u062c\u064a\u0634 "
    "\u0627\u0644\u0623\u0630\u0631\u0628\u064a\u062c\u0627\u0646\u064a "
    "\u064a\u0637\u0644\u0642 \u0639\u0645\u0644\u064a\u0629 "
    "\u0639\u0633\u0643\u0631\u064a\u0629 \u0641\u064a "
    "\u0646\u0627\u063a\u0648\u0631\u0646\u0648 \u0643\u0627\u0631\u0627\u0628\u0627\u062e"
)
# "Azerbaijan launches a military operation in Karabakh and the army advances"
ARABIC_OPERATION = (
    "\u0623\u0630\u0631\u0628\u064a\u062c\u0627\u0646 \u062a\u0637\u0644\u0642 "
    "\u0639\u0645\u0644\u064a\u0629 \u0639\u0633\u0643\u0631\u064a\u0629 \u0641\u064a "
    "\u0643\u0627\u0631\u0627\u0628\u0627\u062e \u0648\u0627\u0644\u062c\u064a\u0634 "
    "\u064a\u062a\u0642\u062f\u0645"
)
# "The central bank raises interest rates to fight inflation"
ARABIC_OTHER = (
    "\u0627\u0644\u0628\u0646\u0643 \u0627\u0644\u0645\u0631\u0643\u0632\u064a "
    "\u064a\u0631\u0641\u0639 \u0623\u0633\u0639\u0627\u0631 "
    "\u0627\u0644\u0641\u0627\u0626\u062f\u0629 \u0644\u0645\u0643\u0627\u0641\u062d\u0629 "
    "\u0627\u0644\u062a\u0636\u062e\u0645"
)


def test_arabic_headlines_of_one_event_join_each_other():
    # The article prefix (al-, wa-l-, bi-l-) is stripped and prepositions are stop words: "al-jaysh" = "wa-l-jaysh".
    clusterer = OfflineClusterer()
    for minutes, (name, title) in enumerate((("a1", ARABIC_ARMY), ("a2", ARABIC_OPERATION), ("other", ARABIC_OTHER))):
        clusterer.add(
            features_from_text(name, title, at=T0 + timedelta(minutes=minutes), lang="ar"), content_hash(title, "")
        )
    events = clusterer.assignments()
    assert events["a1"] == events["a2"] != events["other"]
