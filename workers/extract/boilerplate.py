"""Cheap filters that take page furniture out of an extracted main text, block by block.

A teaser or a caption in the body is worse than a missed paragraph, so every filter here
errs on the side of dropping short lines that look like furniture: share and subscribe
prompts, "Read more" links, bylines and date lines, photo credits, the headline repeated,
lists of links to other articles, and the "Related" / "About the author" / newsletter
sections that close many articles. Long prose is never dropped by a line filter.

Patterns are English and Arabic; a line is compared by its `key`: its words, lower-cased.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from workers.extract import dates
from workers.extract.generic_blocks import Block

WORD = re.compile(r"\w+")
SHORT_LINE_WORDS = 14  # a line filter never drops a longer line
SECTION_MARKER_WORDS = 8  # a "Related articles" heading is short
TEASER_ITEM_WORDS = 16  # items of a list of links to other articles are headlines
TEASER_LINK_SHARE = 0.6  # of a list's items that are whole links, for it to be teasers
LINK_RUN = 3  # this many whole-link lines in a row are a list of links
MAX_LINK_LINE_WORDS = 2 * TEASER_ITEM_WORDS  # a whole paragraph is never one link's text
TAIL_SHARE = 0.3  # a closing section cut to the end holds at most this share of the words
BYLINE_EXTRA_WORDS = 6  # "By Jane Roe, Senior Editor, June 3, 2025"
REPEATED_MIN_WORDS = 2  # a short line seen twice on the page is furniture ("Read more"…)
PROMO_MAX_WORDS = 60  # a newsletter box is a sentence or two
SHARE_BAR_MAX_WORDS = 120  # a share bar's buttons, flattened into one line
DUMP_LINK_SHARE = 0.5  # of a one-run dump's characters in link texts: a listing
TEASER_TAIL_MIN = 2  # closing summaries without a full stop, at least this many
BIO_SEARCH_BLOCKS = 4  # an author's biography is among the last lines
BIO_VERBS = ("is", "was", "has", "holds", "writes", "covers", "reports", "joined", "leads")
SENTENCE_END = frozenset(".!?…:;؟。")
CLOSING_QUOTES = " \"'”’»)]"
PROMO_LINE = re.compile(
    r"\b(newsletters?|inbox)\b.*\b(sign\s+up|subscribe|delivered)\b"
    r"|\b(sign\s+up|subscribe)\b.*\b(newsletters?|inbox)\b"
    r"|اشترك.*النشرة|النشرة.*اشترك",
    re.I,
)
# A cheap first test (substrings, no regex): a word every promotion above holds.
PROMO_WORDS = ("newsletter", "inbox", "subscri", "sign up", "new window", "new tab", "share on",
               "اشترك", "النشرة")
SHARE_BAR = re.compile(
    r"(opens\s+in\s+(a\s+)?new\s+(window|tab)).*\1|(click\s+to\s+share\s+on\b.*){2}", re.I)

# Whole lines that are furniture (matched against lines of at most SHORT_LINE_WORDS words,
# case-insensitively). Patterns that could start a sentence of prose stop at a full stop.
_EN_NOISE = r"""
    advertisement(\s*advertisement)* | sponsored(\s+(content|by.*))? | skip\s+advertisement
  | scroll\s+(down\s+)?for\s+more | loading\W* | show\s*menu | menu | search | close
  | (read|see|view|show)\s+(more|all|full\s+(article|story)|next|less)\b[^.!?]{0,80}
  | continue\s+reading.* | (also|must|can\s+also)\s+read\b.* | read\s+next\b.*
  | table\s+of\s+contents?(\s+(show|hide))? | contents | jump\s+to\b.*
  | in\s+this\s+(article|guide|post) | share(\s+(this|the))?(\s+(post|article|story|page))?
  | share(\s+(this|the))?(\s+(content|blog|video))?(\s+on)?
  | (share|follow|connect\s+with)\b.{0,40}
    \b(facebook|twitter|linkedin|whatsapp|instagram|email|social)\b.*
  | tweet | email | print | copy\s+link | pin\s+it | facebook | twitter | linkedin | whatsapp
  | tags? | topics? | categories | filed\s+under\b.* | posted\s+(in|on|by)\b.*
  | related(\s+(content|posts?|articles?|stories|topics|reading|links|coverage))?(\s*:.*)?
  | further\s+reading | other\s+posts | recent\s+(posts|articles|stories)
  | (most\s+)?popular(\s+(posts|articles|stories|now|topics))? | trending(\s+now)?
  | more\s+(from|on|in|about)\s+[^.!?]{0,40} | more\s+(stories|articles|news)\b.{0,40}
  | you\s+(may|might)\s+(also\s+)?like\b.* | editor'?s\s+picks?
  | recommended(\s+for\s+you|\s+reading|\s+articles)?
  | back\s+to\s+(top|blog|home|the\s+blog|all\b.*|our\b.*|selection|news|articles?)\b.*
  | written\s+by\b.* | (edited|reviewed|fact[\s-]checked|medically\s+reviewed)\s+by\b.*
  | author | about\s+the\s+authors? | \d+\s+min(ute)?s?\s+read
  | (last\s+)?(updated|published|modified) | (listen|watch)\s+to\s+this\s+(article|story)\b.*
  | (last\s+)?(updated|published|modified|reviewed)(\s+(on|at))?\s*:?[^.!?]{0,40}\d[^.!?]{0,30}
  | (image|photo|picture|photograph|credit|source|resource|illustration)s?\s*(by|:).*
  | (sign\s+up|subscribe|log\s*in|sign\s+in)\b.* | register(\s+(now|today|here|for\s+free))?
  | join\s+(our|the)\s+(newsletter|mailing).* | newsletters?
  | (get|receive)\s+(the\s+)?(latest|our)\b.*\b(inbox|newsletter|updates)\b.*
  | leave\s+a\s+(reply|comment) | comments?(\s*\(\d+\))? | \d+\s+comments?
  | thank\s+you!?\s+your\s+submission.* | oops!.* | (learn|find\s+out)\s+more\b.*
  | (get|book|request|schedule)\s+(a\s+|your\s+)?(free\s+)?(demo|quote|consultation|started)\b.*
  | contact\s+(us|sales)\b.* | get\s+in\s+touch\b.* | (shop|buy)\s+.{0,60}\bnow
  | check\s+(the\s+)?price\b.* | ©.* | copyright\s*(©|\(c\)|\d{4}).*
  | .*\ball\s+rights\s+reserved\b.*
  | (privacy|cookie)\s+(policy|settings|preferences) | (accept|reject|manage)\s+(all\s+)?cookies.*
  | terms\s+(of\s+(use|service)|and\s+conditions) | (advertiser|affiliate)\s+disclosure
  | rendered:.* | \[\s*(h\d|convertkit)\b.*
"""
_AR_NOISE = r"""
    اقرأ\s+(أيضا|أيضاً|ايضا|ايضاً|المزيد).*
  | (مواضيع|أخبار|اخبار|مقالات|قصص)\s+(ذات\s+صلة|متعلقة|مشابهة).*
  | شارك(\s+(المقال|الخبر|هذا\s+المقال|عبر|على).*)? | تابعونا\b.* | تابعنا\s+على\b.*
  | اشترك\s+(الآن|معنا|في\s+(النشرة|نشرتنا|قناتنا)|بالنشرة).* | النشرة\s+(الإخبارية|البريدية).*
  | (جميع|كل)\s+الحقوق\s+محفوظة.* | إعلان | اعلان | طباعة | (أرسل|ارسل)\s+لصديق
  | (الصورة|صورة|تصوير|المصدر|مصدر\s+الصورة)\s*:.* | الأكثر\s+(قراءة|مشاهدة|تداولا|تداولاً)
  | (كلمات|الكلمات)\s+(مفتاحية|المفتاحية) | الوسوم
  | (ن\u064f?شر|تاريخ\s+النشر|آخر\s+تحديث|تحديث)\s*:.{0,60}
  | بقلم\s*:?\s*\S+(\s+\S+){0,3} | التعليقات | (اضف|أضف)\s+تعليق.*
"""
NOISE_LINE = re.compile(rf"^\W*(?:{_EN_NOISE}|{_AR_NOISE})\W*$", re.I | re.X | re.S)
# "By Jane Roe", "BY JANE ROE | June 3" (names capitalised: "By then it was over" is prose).
BYLINE_LINE = re.compile(
    r"^\W*(?:by|BY|By)\s+(?:[A-Z][\w.'’-]*,?\s*(?:(?:and|&)\s+)?){1,6}(?:[|•·–—-][^.!?]{0,40})?$"
)

# A section that closes an article and is not part of it.
_SECTION_END = r"""
    related(\s+\w+){0,2} | further\s+reading | other\s+posts | recent\s+(posts|articles|stories)
  | (most\s+)?popular(\s+(posts|articles|stories|now|reads))?
  | more\s+(from|on|in|stories|articles|news|like\s+this)\b.*
  | you\s+(may|might)\s+(also\s+)?(like|enjoy|be\s+interested).* | read\s+next
  | recommended(\s+(for\s+you|reading|articles|posts|stories))?
  | (also\s+)?read\s+more | keep\s+reading | what\s+to\s+read\s+next | editor'?s\s+picks?
  | about\s+the\s+authors? | author\s+bio | (leave|post)\s+a\s+(reply|comment) | \d*\s*comments?
  | (join|subscribe\s+to|sign\s+up\s+for)\s+(our|the)\b.* | subscribe\b.* | sign\s+up\b.*
  | (get|stay)\s+(the\s+latest|in\s+touch|updated|connected)\b.* | newsletters? | share\s+this\b.*
  | (مواضيع|أخبار|اخبار|مقالات)\s+(ذات\s+صلة|متعلقة|مشابهة) | اقرأ\s+(أيضا|أيضاً|المزيد)
  | الأكثر\s+(قراءة|مشاهدة) | التعليقات | عن\s+الكاتب
"""
SECTION_END = re.compile(rf"^\W*(?:{_SECTION_END})\W*$", re.I | re.X | re.S)

# A photo credit or a caption's tail: "Samuel Velasco/Quanta Magazine", "… Picture: Getty".
NAME_SLASH_CREDIT = re.compile(
    r"^([A-Z][\w.'’-]+\s){1,2}[A-Z][\w.'’-]+\s*/\s*([A-Z][\w.'’-]+\s?){1,3}$")
CREDIT_MARK = re.compile(
    r"""\b(getty\s+images|shutterstock|istock(photo)?|ap\s+photo|afp\s+via|reuters/|unsplash)\b
      | \b(picture|photo|image|credit|photograph)\s*:\s*[^.!?]{1,40}$
      | \((ap|afp|reuters|getty|epa|أ\.?ف\.?ب|رويترز|أ\.?ب|إ\.?ب\.?أ)\)$""",
    re.I | re.X,
)
_MONTHS = (r"jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|"
           r"sep(t(ember)?)?|oct(ober)?|nov(ember)?|dec(ember)?")
DATE_MARK = re.compile(  # what makes a line a date: a month, a numeric date, "ago"
    rf"\b({_MONTHS})\b|(?<![\d.])(\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}})"
    r"(?![\d.])|\b(ago|yesterday|today)\b", re.I)
DATE_WORDS = re.compile(
    rf"\b(\d{{1,4}}(st|nd|rd|th)?|{_MONTHS}|(mon|tues|wednes|thurs|fri|satur|sun)day|at|on|am|pm"
    r"|gmt|utc|[ap]\.m|et|est|edt|pst|pdt|bst|cet|cest|ago|hours?|minutes?|days?|weeks?|"
    r"yesterday|today|updated|published|posted|by|and|min|read)\b",
    re.I,
)
# Words of an Arabic date line besides the date itself: weekdays, "published", "updated",
# "at", the era marks م / هـ, morning / evening.
ARABIC_DATE_WORDS = re.compile(  # on folded text: bare alef, tatweel as a space
    r"(?<!\w)(ال(احد|اثنين|ثلاثاء|اربعاء|خميس|جمعه|جمعة|سبت)|نشر|تحديث|اخر|في|الساعه|الساعة"
    r"|صباحا|مساء|بتوقيت|غرينتش|مكه|مكة|المكرمه|المكرمة|ه|م|ص)(?!\w)")


def key(text: str) -> str:
    """The words of a text, lower-cased, one space apart: what filters compare."""
    return " ".join(WORD.findall(text.lower()))


def link_key(text: str) -> str:
    """A link's text or a line as the link test compares them: lower-cased, spaces collapsed
    (cheaper than `key`, and every link on the page goes through it)."""
    return " ".join(text.lower().split())


@dataclass(frozen=True)
class PageHints:
    """What the page says elsewhere, for judging lines of its main text."""

    titles: frozenset[str] = frozenset()  # keys of the headline and the <title> parts
    authors: frozenset[str] = frozenset()  # keys of author names
    links: frozenset[str] = frozenset()  # `link_key` of every link's text on the page


def _is_date_line(text: str) -> bool:
    """A line that is a date and nothing else ("Dec 08, 2023", "Updated 3 hours ago",
    "الثلاثاء 17 يونيو 2025 - 10:15 م", "٢١ ذو الحجة ١٤٤٦ هـ")."""
    if not WORD.search(text):
        return False
    if DATE_MARK.search(text):
        return not WORD.search(DATE_WORDS.sub(" ", text))
    return _is_arabic_date_line(text)


def _is_arabic_date_line(text: str) -> bool:
    folded = dates.fold(text)
    rest = dates.GREGORIAN_DATE.sub(" ", folded)
    if rest == folded:
        rest = dates.HIJRI_DATE.sub(" ", folded)
        if rest == folded:
            return False
    rest = dates.HIJRI_DATE.sub(" ", rest)
    rest = re.sub(r"\d", " ", ARABIC_DATE_WORDS.sub(" ", rest))
    return not WORD.search(rest)


def _is_byline(line: str, hints: PageHints) -> bool:
    """The author's name, alone or with "By", a date or a role around it."""
    for author in hints.authors:
        starts = (f"by {author}", author) if " " in author else (f"by {author}",)
        if (line == author or line.startswith(starts)) and (
                len(line.split()) <= len(author.split()) + BYLINE_EXTRA_WORDS):
            return True
    return False


def noise_reason(block: Block, hints: PageHints) -> str | None:
    """Why a short line is furniture wherever it stands, or None when it is not."""
    if block.words > SHORT_LINE_WORDS or block.kind == "row":  # a table's cells are data
        return None
    text = block.text
    line = key(text)
    checks = (
        ("empty", not line),
        ("headline", line in hints.titles),
        ("furniture", bool(NOISE_LINE.match(text))),
        ("credit", bool(NAME_SLASH_CREDIT.match(text) or CREDIT_MARK.search(text))),
        ("date", _is_date_line(text)),
        ("byline", bool(BYLINE_LINE.match(text)) or _is_byline(line, hints)),
    )
    return next((name for name, hit in checks if hit), None)


def is_noise_line(block: Block, hints: PageHints) -> bool:
    return noise_reason(block, hints) is not None


def is_link_line(block: Block, hints: PageHints) -> bool:
    """The whole line is the text of a link on the page (a teaser, a "Learn more")."""
    return (block.kind != "head" and block.words <= MAX_LINK_LINE_WORDS
            and link_key(block.text) in hints.links)


def drop_repeated(blocks: list[Block]) -> list[Block]:
    """Short lines met twice or more ("Check price on Amazon", a repeated promo box)."""
    counts = Counter(key(b.text) for b in blocks if _may_repeat(b))
    return [b for b in blocks if not (_may_repeat(b) and counts[key(b.text)] > 1)]


def _may_repeat(block: Block) -> bool:
    """Short lines of prose; not headings, list items, labelled values ("Price: $10") or
    table rows, which repeat by design in reviews and comparisons."""
    return (block.kind == "p" and REPEATED_MIN_WORDS <= block.words <= SHORT_LINE_WORDS
            and ":" not in block.text)


def drop_link_lists(blocks: list[Block], hints: PageHints) -> list[Block]:
    """Lists whose items are mostly whole links, and runs of link-only lines: teasers."""
    linked = [is_link_line(b, hints) for b in blocks]
    teaser_groups = _teaser_groups(blocks, linked)
    in_run = _link_runs(blocks, linked)
    return [b for i, b in enumerate(blocks)
            if not (b.group in teaser_groups or in_run[i])]


def _teaser_groups(blocks: list[Block], linked: list[bool]) -> set[int]:
    items: dict[int, list[int]] = {}
    for i, b in enumerate(blocks):
        if b.kind == "item" and b.group:
            items.setdefault(b.group, []).append(i)
    return {
        group for group, members in items.items()
        if sum(linked[i] for i in members) >= TEASER_LINK_SHARE * len(members)
        and max(blocks[i].words for i in members) <= TEASER_ITEM_WORDS * 2
    }


def _link_runs(blocks: list[Block], linked: list[bool]) -> list[bool]:
    """True for every line in a run of LINK_RUN or more link-only lines, and for a single
    link-only paragraph of a headline's length ("Read more", "Learn about the Mediterranean
    diet and how to get started"); a single linked list item only when short."""
    marks = [False] * len(blocks)
    start = 0
    while start < len(blocks):
        end = start
        while end < len(blocks) and linked[end]:
            end += 1
        if end - start >= LINK_RUN:
            marks[start:end] = [True] * (end - start)
        elif end > start:
            for i in range(start, end):
                marks[i] = blocks[i].words <= (
                    TEASER_ITEM_WORDS if blocks[i].kind == "p" else SECTION_MARKER_WORDS)
        start = end + 1
    return marks


def cut_closing_sections(blocks: list[Block]) -> list[Block]:
    """Drop a "Related" / "About the author" / newsletter section: its marker line and, near
    the end, everything after it; elsewhere the short lines right after it (its teasers)."""
    total = sum(b.words for b in blocks) or 1
    kept: list[Block] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        i += 1
        if not (block.words <= SECTION_MARKER_WORDS and SECTION_END.match(block.text)):
            kept.append(block)
            continue
        if sum(b.words for b in blocks[i:]) <= TAIL_SHARE * total:
            break
        while i < len(blocks) and blocks[i].kind != "head" and (
                blocks[i].group or blocks[i].words <= TEASER_ITEM_WORDS):
            i += 1
    return kept


def is_promo(block: Block) -> bool:
    """A newsletter box written as a sentence or two ("Love movies? Our Watch Party
    newsletter has the best picks, delivered to your inbox. Sign up now"), or a share bar
    flattened into one line (whatever its length)."""
    if block.words > SHARE_BAR_MAX_WORDS:
        return False
    lowered = block.text.lower()
    if not any(word in lowered for word in PROMO_WORDS):
        return False
    return (block.words <= PROMO_MAX_WORDS and bool(PROMO_LINE.search(block.text))) or bool(
        SHARE_BAR.search(block.text))


# --- the tail: where an article's text ends and the page's furniture begins -----------------


def _ends_sentence(text: str) -> bool:
    return text.rstrip(CLOSING_QUOTES)[-1:] in SENTENCE_END


def _teaser_tail_start(blocks: list[Block]) -> int:
    """Start of a closing run of teaser summaries: short lines that end no sentence
    ("Immersing yourself in nature can improve your health"), headings between them."""
    start, summaries = len(blocks), 0
    for i in range(len(blocks) - 1, -1, -1):
        block = blocks[i]
        if block.kind == "head" or (
                block.kind == "p" and block.words <= TEASER_ITEM_WORDS * 2
                and not _ends_sentence(block.text)):
            start, summaries = i, summaries + (block.kind == "p")
            continue
        break
    return start if summaries >= TEASER_TAIL_MIN else len(blocks)


def _bio_start(blocks: list[Block], hints: PageHints) -> int:
    """Start of an author's biography closing the article ("Jane Roe is a reporter…")."""
    first = max(0, len(blocks) - BIO_SEARCH_BLOCKS)
    for i in range(first, len(blocks)):
        line = key(blocks[i].text)
        if any(line.startswith(f"{author} {verb} ") for author in hints.authors
               if " " in author for verb in BIO_VERBS):
            return i
    return len(blocks)


def trim_tail(blocks: list[Block], hints: PageHints) -> list[Block]:
    """Cut the closing furniture trafilatura kept: teaser summaries, an author's biography;
    only when what is cut is a small share of the text. (A closing heading naming the site —
    "Try Acme today" — is left: on a company's own blog that promotion is its text.)"""
    total = sum(b.words for b in blocks) or 1
    start = min(_teaser_tail_start(blocks), _bio_start(blocks, hints))
    cut = sum(b.words for b in blocks[start:])
    return blocks[:start] if start < len(blocks) and cut <= TAIL_SHARE * total else blocks


def is_link_dump(blocks: list[Block], hints: PageHints) -> bool:
    """A page's text dumped as one run (trafilatura's last resort) that is mostly the text
    of its links: a listing, not an article."""
    if len(blocks) != 1:
        return False
    text = link_key(blocks[0].text)
    linked = sum(len(link) for link in hints.links if len(link) > 1 and link in text)
    return linked > DUMP_LINK_SHARE * len(text)


def clean_blocks(blocks: Iterable[Block], hints: PageHints) -> list[Block]:
    """The blocks that are the article's own text."""
    kept = list(blocks)
    if is_link_dump(kept, hints):
        return []
    kept = cut_closing_sections(kept)
    kept = [b for b in kept if not (is_noise_line(b, hints) or is_promo(b))]
    kept = drop_link_lists(kept, hints)
    return trim_tail(drop_repeated(kept), hints)
