"""Asharq Al-Awsat's rules as Python names, read from `aawsat.yaml` (edit that file).

The site lives in `aawsat.yaml` like every other site; this module keeps the names code and
tests already import (`RULES`, `BODY_SELECTOR`…), taken from the built-in file, so a user's
AKHBAR_SITES_DIR override does not change them.
"""

from __future__ import annotations

from workers.sites.loader import load_site_file
from workers.sites.registry import BUILTIN_DIR

RULES = load_site_file(BUILTIN_DIR / "aawsat.yaml")

NAME = RULES.name
DOMAINS = RULES.domains
RULES_VERSION = RULES.rules_version
ARTICLE_URL_PATTERN = RULES.article_url_pattern
START_PATHS = RULES.start_paths
HEADLINE_SELECTOR = RULES.headline[0]
BODY_SELECTOR = RULES.body
LEAD_IMAGE_SELECTOR = RULES.lead_image
PUBLISH_LINE_SELECTOR = RULES.publish_line[0]
UPDATE_LINE_SELECTOR = RULES.update_line
NOISE_SELECTORS = RULES.noise_selectors
NOISE_STRINGS = RULES.noise_strings
ERROR_PAGE_MARKERS = RULES.error_page_markers
