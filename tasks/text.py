"""Folding text for comparison: one definition shared by dedupe, clustering and alert rules."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def fold(text: object) -> str:
    """Case, accents, punctuation and spacing folded ('Ménaka' → 'menaka'); letters of other scripts are kept,
    so Arabic text does not fold to nothing."""
    folded = unicodedata.normalize("NFKD", str(text or "").casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", folded).split())
