"""Spanish, Portuguese, Italian, German and Hausa reports read with the English rules.

    gloss(text, lang) -> Glossed(text, origin)

Each word or phrase of the language's lexicon (`data/gloss.json`: violence, victims and forces, places and
directions, numbers and qualifiers, days and months, claims) is replaced by its English equivalent, keeping the
capital of a capitalised original; every other character (names of places, people and groups) is kept as it is.
`origin[i]` is the offset in the original text of glossed character i, so the evidence of an event extracted from
the glossed text points back into the original (`Glossed.span`). Hausa puts the count after the noun ("sojoji
takwas", soldiers eight): the gloss puts it first, as English does.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tasks.extract.actors import fold

DATA = Path(__file__).resolve().parent / "data" / "gloss.json"
LANGUAGES = ("es", "pt", "it", "de", "ha")
HAUSA_WORDS = re.compile(
    r"\b(?:sun|wasu|kamar yadda|ƙasar|kasar|na|ta|da|ne|an|ya|cewa|inda|wani|wanda)\b", re.IGNORECASE
)
COUNT_AFTER = re.compile(
    r"\b(?P<noun>soldiers|people|attackers|the attackers|civilians|gunmen|troops|police|women|children)\s+"
    r"(?P<count>\d+|one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty)\b"
)


@dataclass(frozen=True)
class Glossed:
    text: str
    origin: tuple[int, ...]  # for each glossed character, the offset of the original one

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original offsets of the glossed span [start, end)."""
        if not self.origin:
            return start, end
        first = self.origin[min(start, len(self.origin) - 1)]
        last = self.origin[min(max(end - 1, start), len(self.origin) - 1)]
        return first, last + 1


@cache
def lexicon(lang: str) -> tuple[re.Pattern, dict[str, str]]:
    """The language's glosses, folded, as one alternation (longest first) and a lookup."""
    table = {fold(k): v for k, v in json.loads(DATA.read_text(encoding="utf-8")).get(lang, {}).items()}
    keys = sorted(table, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w'’-])(?:" + "|".join(re.escape(k) for k in keys) + r")(?![\w'’-])")
    return pattern, table


def looks_hausa(text: str) -> bool:
    """langdetect has no Hausa profile: Hausa's function words are frequent enough to tell it."""
    words = len(text.split())
    return words > 20 and len(HAUSA_WORDS.findall(text[:3000])) >= max(8, words // 12)


def gloss(text: str, lang: str) -> Glossed:
    pattern, table = lexicon(lang)
    folded = fold(text)
    out: list[str] = []
    origin: list[int] = []
    pos = 0
    for m in pattern.finditer(folded):
        out.append(text[pos : m.start()])
        origin.extend(range(pos, m.start()))
        english = table[m.group(0)]
        if text[m.start()].isupper() and english:
            english = english[0].upper() + english[1:]
        out.append(english)
        origin.extend([m.start()] * len(english))
        pos = m.end()
    out.append(text[pos:])
    origin.extend(range(pos, len(text)))
    glossed = Glossed("".join(out), tuple(origin))
    return _count_first(glossed) if lang == "ha" else glossed


def _count_first(g: Glossed) -> Glossed:
    """ "soldiers eight" → "eight soldiers" (characters and their origins move together)."""
    text, origin = g.text, list(g.origin)
    for m in reversed(list(COUNT_AFTER.finditer(text))):
        noun, count = m.span("noun"), m.span("count")
        pieces = [(count[0], count[1]), (noun[1], count[0]), (noun[0], noun[1])]
        new_text = "".join(text[a:b] for a, b in pieces)
        new_origin = [o for a, b in pieces for o in origin[a:b]]
        text = text[: m.start()] + new_text + text[m.end() :]
        origin[m.start() : m.end()] = new_origin
    return Glossed(text, tuple(origin))
