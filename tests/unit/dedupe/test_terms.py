from wirewatch.dedupe.scripts import sounds
from wirewatch.dedupe.terms import compound_roots, cosine, lead, name_phrases, normalise, shingles, term_vector


def test_headline_alone_gives_a_usable_vector_without_stop_words():
    vector = term_vector("Azerbaijan launches new military operation in Karabakh")
    words = {"azerbaijan", "launche", "military", "operation", "karabakh"}
    # Each word plus its root key, where spellings in other languages and scripts meet.
    assert set(vector) == words | {"~aserb", "~launc", "~milit", "~opera", "~karab"}
    assert abs(sum(w * w for w in vector.values()) - 1.0) < 1e-9


def test_inflections_meet_and_acronyms_lose_their_dots():
    assert normalise("strikes") == normalise("strike")
    assert normalise("Azerbaijan's") == "azerbaijan"
    assert normalise("U.N.") == "un"
    assert normalise("6.1") == "6.1"


def test_names_in_the_body_weigh_more_than_common_words():
    vector = term_vector("", "Officials in the city said that Stepanakert residents fled from the city.")
    assert vector["stepanakert"] > vector["resident"]


def test_cosine_of_related_headlines_beats_unrelated_ones():
    a = term_vector("Earthquake kills dozens in western Turkey")
    b = term_vector("Dozens killed as earthquake strikes Turkey")
    c = term_vector("Central bank raises interest rates again")
    assert cosine(a, b) > 0.5
    assert cosine(a, c) == 0.0


def test_lead_and_shingles():
    assert lead("one two three four", words=2) == "one two"
    assert shingles("A b c d") == {"a b c", "b c d"}
    assert shingles("") == set()


def test_name_phrases_stop_at_punctuation_and_skip_sentence_starts():
    phrases = name_phrases("Officials said. Shelling hit Stepanakert, Armenia said, quoting Stephane Dujarric.")
    assert phrases == ["stepanakert", "armenia", "stephane dujarric"]


def test_titles_in_other_languages_and_scripts_share_root_keys_with_english():
    english = term_vector("Azerbaijan launches military operation in Nagorno-Karabakh")
    for title in (
        "Azerbaiyán lanza una operación militar en Nagorno Karabaj",
        "L'Azerbaïdjan lance une opération militaire au Haut-Karabakh",
        (
            "\u0410\u0437\u0435\u0440\u0431\u0430\u0439\u0434\u0436\u0430\u043d \u043d\u0430\u0447\u0430\u043b "
            "\u0432\u043e\u0435\u043d\u043d\u0443\u044e \u043e\u043f\u0435\u0440\u0430\u0446\u0438\u044e"
        ),
    ):
        shared = {t for t in term_vector(title) if t.startswith("~")} & set(english)
        assert {"~aserb", "~opera"} <= shared, title
    assert "una" not in term_vector("Azerbaiyán lanza una operación")  # foreign function words are stop words


def test_german_compounds_and_spellings_meet_their_english_words_only_when_the_text_is_german():
    english = term_vector("Azerbaijan launches military operation in Nagorno-Karabakh")
    german = term_vector("Aserbaidschan startet Militäroperation in Bergkarabach", lang="de")
    assert {"~aserb", "~milit", "~opera", "~karab"} <= set(german) & set(english)
    assert "~karab" not in term_vector("Aserbaidschan startet Militäroperation in Bergkarabach")  # lang unknown
    assert compound_roots("bergkarabach") == ["~karab"]
    assert compound_roots("karabakh") == []  # too short to be a compound
    assert sounds("karabach")[:5] == sounds("karabakh")[:5] == "karab"


def test_arabic_article_prefixes_are_stripped_and_prepositions_dropped():
    army, and_the_army, the_army = (
        "\u062c\u064a\u0634",
        "\u0648\u0627\u0644\u062c\u064a\u0634",
        "\u0627\u0644\u062c\u064a\u0634",
    )
    assert normalise(and_the_army) == normalise(the_army) == army  # wa-l-jaysh = al-jaysh = jaysh
    assert normalise("\u0627\u0644\u0645") == "\u0627\u0644\u0645"  # too short to be al- + word
    assert "\u0641\u064a" not in term_vector(f"{the_army} \u0641\u064a {army}")  # "fi" (in) is a stop word
