"""Does a registry's title name the same work as ours? (the invented-citation check)"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

_NON_WORD_RE = re.compile(r"[\W_]+")
_RETRACTED_PREFIX_RE = re.compile(r"^\s*(retracted|withdrawn)\s*:\s*", re.IGNORECASE)
MIN_SIMILARITY = 0.85


def normalize_title(title: str) -> str:
    title = _RETRACTED_PREFIX_RE.sub("", title or "")
    return " ".join(_NON_WORD_RE.sub(" ", title.casefold()).split())


def titles_match(ours: str, theirs: str) -> bool:
    """Same title once case, punctuation and dashes are ignored, or nearly so."""
    a, b = normalize_title(ours), normalize_title(theirs)
    if not a or not b:
        return True  # nothing to compare
    if a == b or a in b or b in a:
        return True
    return SequenceMatcher(None, a, b).ratio() >= MIN_SIMILARITY


def label_titles_match(ours: str, theirs: str) -> bool:
    """DailyMed titles read "VERZENIO (ABEMACICLIB) TABLET [ELI LILLY]": the product name
    before the first bracket must appear in our title."""
    product = normalize_title(re.split(r"[(\[]", theirs or "", maxsplit=1)[0])
    words = set(normalize_title(ours).split())
    return not product or all(word in words for word in product.split())
