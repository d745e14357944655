"""Quotes and their speakers; names and scare quotes in guillemets are not quotes."""

from __future__ import annotations

from tests.unit.enrich_support import (
    MELONI,
    MELONI_ENTITIES,
    SHOIGU,
    SHOIGU_ENTITIES,
    article,
    replica,
    seed_article,
)
from workers.enrich import enrich_article
from workers.enrich.quotes import enrich_quotes, find_quotes

SHOIGU_QUOTE = "فرقة بنائين ولواءين عسكريين - 5000 عنصر"
MELONI_FIRST = ("حرباً تجارية داخل دول الغرب من شأنها أن تضعفنا جميعاً في مواجهة التحديات "
                "العالمية التي نتعرض لها معاً")
MELONI_SECOND = ("أوروبا تملك القوة الاقتصادية والمالية اللازمة لتأكيد موقفها والتوصل إلى "
                 "اتفاق عادل وسليم. وستقوم إيطاليا بدورها. كعادتها")


def quotes_of(*paragraphs: str, entities: object = None) -> list[tuple[str | None, str]]:
    return [(q["speaker"], q["text"]) for q in find_quotes(paragraphs, entities)]


def test_shoigu_with_entities() -> None:
    found = enrich_quotes(seed_article(SHOIGU), {"entities": SHOIGU_ENTITIES})["quotes"]
    assert found == [{"text": SHOIGU_QUOTE, "speaker": "سيرغي شويغو"}]


def test_shoigu_without_entities_keeps_the_printed_speaker() -> None:
    assert enrich_quotes(seed_article(SHOIGU), {})["quotes"] == [
        {"text": SHOIGU_QUOTE, "speaker": "شويغو"}]


def test_meloni_both_quotes_with_entities() -> None:
    found = enrich_quotes(seed_article(MELONI), {"entities": MELONI_ENTITIES})["quotes"]
    assert found == [{"text": MELONI_FIRST, "speaker": "جورجيا ميلوني"},
                     {"text": MELONI_SECOND, "speaker": "جورجيا ميلوني"}]


def test_meloni_without_entities() -> None:
    found = enrich_quotes(seed_article(MELONI), {})["quotes"]
    assert [q["speaker"] for q in found] == ["ميلوني", "ميلوني"]


def test_the_seed_through_the_pipeline() -> None:
    for name, expected in ((SHOIGU, {"شويغو", "سيرغي شويغو"}),
                           (MELONI, {"ميلوني", "جورجيا ميلوني"})):
        quotes = enrich_article(seed_article(name))["quotes"]
        assert quotes and {q["speaker"] for q in quotes} <= expected


def test_names_and_scare_quotes_are_not_quotes() -> None:
    texts = {q["text"] for name in (SHOIGU, MELONI)
             for q in enrich_quotes(seed_article(name), {})["quotes"]}
    for phrase in ("تاس", "بتكليفات خاصة", "تنفيذ الاتفاقيات", "رويترز", "دعمه غير المشروط",
                   "حرب تجارية داخل دول الغرب", "وكالة الصحافة الفرنسية", "إخوة إيطاليا",
                   "الخضوع"):
        assert phrase not in texts


def test_added_takes_the_last_speaker_of_its_gender() -> None:
    found = quotes_of("وقالت الوزيرة سارة إن «الاتفاق قريب».",
                      "وأعلن الرئيس كريم أن المحادثات ستستمر.",
                      "وأضافت «لن نتراجع عن مواقفنا».")
    assert found == [("الوزيرة سارة", "الاتفاق قريب"), ("الوزيرة سارة", "لن نتراجع عن مواقفنا")]


def test_a_colon_and_a_participle() -> None:
    found = quotes_of("وقال صلاح في كلمته إن «هذه الجائزة تعني لي الكثير»، مضيفاً: «أهديها "
                      "إلى جماهير ليفربول»." )
    assert found == [("صلاح", "هذه الجائزة تعني لي الكثير"), ("صلاح", "أهديها إلى جماهير ليفربول")]


def test_a_quoted_name_as_the_speaker() -> None:
    found = quotes_of("في المقابل، قالت «قوات الدعم السريع» في بيان إنها «لا تستهدف المدنيين»، "
                      "متهمة الجيش باستخدام الأحياء السكنية «دروعاً بشرية».")
    assert found == [("قوات الدعم السريع", "لا تستهدف المدنيين")]


def test_a_subject_before_its_verb() -> None:
    found = quotes_of("ذكرت الخارجية الصينية في بيان أن وانغ أكد ضرورة أن تتعامل واشنطن مع "
                      "الصين «بطريقة موضوعية وعقلانية».")
    assert found == [("وانغ", "بطريقة موضوعية وعقلانية")]


def test_a_quote_opening_its_sentence() -> None:
    found = quotes_of("«نريد دولة واحدة وجيشاً واحداً»، قال رئيس الحكومة نواف سلام.")
    assert found == [("رئيس الحكومة نواف سلام", "نريد دولة واحدة وجيشاً واحداً")]


def test_an_institution_speaks_for_itself() -> None:
    entities = [{"type": "PERSON", "name": "بنيامين نتنياهو", "name_en": "Benjamin Netanyahu",
                 "role": None, "mentions": ["نتنياهو"]}]
    found = quotes_of("وقال مكتب رئيس الوزراء الإسرائيلي بنيامين نتنياهو إن إسرائيل «مستعدة "
                      "لاستقبال جميع الرهائن».", entities=entities)
    assert found == [("مكتب رئيس الوزراء الإسرائيلي بنيامين نتنياهو",
                      "مستعدة لاستقبال جميع الرهائن")]


def test_the_replica_speakers() -> None:
    arabic = replica("ar")
    speakers = {q["speaker"] for q in enrich_quotes(arabic[5180001], {})["quotes"]}
    assert speakers == {"وزير الإعلام بول مرقص", "مصادر وزارية", "رئيس الحكومة نواف سلام"}
    trump = enrich_quotes(arabic[5162105], {})["quotes"]
    assert [q["text"] for q in trump] == ["إعلانا مهما", "يشعر بخيبة أمل"]


def test_english_quotes() -> None:
    meloni = replica("en")[5200007]
    entities = [{"type": "PERSON", "name": "Giorgia Meloni", "name_en": "Giorgia Meloni",
                 "role": "Italian Prime Minister", "mentions": ["Giorgia Meloni", "Meloni"]}]
    found = enrich_quotes(meloni, {"entities": entities})["quotes"]
    assert [q["speaker"] for q in found] == ["Giorgia Meloni", "Giorgia Meloni"]
    assert found[0]["text"].startswith("would make us all weaker")
    assert found[1]["text"].startswith("Europe has the economic and financial strength")
    assert all(q["text"] != "trade war within the West" for q in found)


def test_english_shapes() -> None:
    found = quotes_of('"We will not back down," said Prime Minister Mark Carney.',
                      'Carney told reporters: "The door remains open."',
                      "Kim expressed his “unconditional support” for Moscow's policies.")
    assert found == [("Prime Minister Mark Carney", "We will not back down"),
                     ("Carney", "The door remains open.")]


def test_no_quotes_in_an_article_without_guillemets() -> None:
    assert enrich_quotes(article("قال الرئيس إن المحادثات ستستمر."), {}) == {"quotes": []}
