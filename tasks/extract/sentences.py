"""Sentences with offsets, and the page noise around an article body.

`split_sentences(text)` cuts the text into paragraphs (lines) and sentences, keeping `start`/`end` offsets into
the original text so every extracted field can point at its evidence. Page noise (share buttons, "Lire aussi" /
"Related" link blocks, tags, copyright lines, comment counters, navigation crumbs, cookie banners, the headline
repeated as the first line) is flagged `noise`, and so is everything after the start of a reader-comments section
("3 commentaires", "Laisser un commentaire", a "Répondre"/"Signaler" button, "Amadou, 12 mars 2024 à 10h12"
user lines); sentences under a "Contexte"/"Background" heading are flagged `background`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tasks.models import Evidence


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str
    paragraph: int
    noise: bool = False
    background: bool = False

    def evidence(self, field: str) -> Evidence:
        return Evidence(field, self.start, self.end, self.text)


NOISE_LINE = re.compile(
    r"^\s*(?:lire (?:aussi|également|la suite)|à lire|voir aussi|related(?: articles?| stories| coverage)?\b|read (?:also|more)|"
    r"see also|more (?:from|on|coverage)|share\b|partager|partagez|tags?\s*:|mots[- ]clés|©|\(c\)|copyright|publicité|"
    r"advertisement|sponsored|vos (?:commentaires|réactions)|commentaires?\s*\(|comments?\s*\(|\d+\s+comments?|"
    r"laisser un commentaire|leave a (?:comment|reply)|subscribe|abonnez|inscrivez|newsletter|suivez[- ]nous|"
    r"follow us|get the .{0,40}briefing|this (?:story|article) was originally|cet article est republié|"
    r"publié (?:par|le)|published by|by .{0,40}staff|notre dossier|our (?:special|dossier)|"
    r"réactions, statistiques|all rights reserved|tous droits réservés|reproduction interdite|source\s*:|"
    r"(?:nous utilisons|we use|ce site utilise|this (?:web)?site uses) (?:des )?cookies|cookies?\b|accepter|accept all|"
    r"j'accepte|i agree|mis à jour le|updated\b|publié(?: le)?\s*:?\s*\d|published\s*:?\s*\d|par\s*:|by\s*:|"
    r"photo\s*:|crédit|credit\s*:|\(photo|image\s*:)",
    re.IGNORECASE,
)
COMMENTS_START = re.compile(
    r"^\s*(?:\d+\s+(?:commentaires?|comments?|réactions?|responses?|replies)\b|(?:vos |les )?commentaires?\s*(?:\(\d+\))?\s*:?\s*$|"
    r"comments?\s*(?:\(\d+\))?\s*:?\s*$|(?:vos |les )?réactions?\s*(?:\(\d+\))?\s*:?\s*$|laisser un commentaire|"
    r"leave a (?:comment|reply)|ajouter un commentaire|add a comment|réagir à (?:cet|l')article|join the (?:conversation|discussion)|"
    r"(?:répondre|reply|signaler|report(?: abuse)?|j'aime|like)\s*(?:[|·•]|$))",
    re.IGNORECASE,
)
USER_LINE = re.compile(
    r"^\s*[\w.'’ -]{2,40}?\s*(?:[,:|·-]\s*)?(?:le\s+|on\s+)?(?:\d{1,2}[/. -]\w{2,9}[/. -]\d{2,4}|\w{3,9}\.? \d{1,2},? \d{4})"
    r"\s*(?:à|at|-|,)?\s*(?:\d{1,2}\s*[h:]\s*\d{2})?\s*(?:[ap]m)?\s*:?\s*$",
    re.IGNORECASE,
)
NAV_WORDS = re.compile(
    r"\b(?:facebook|twitter|whatsapp|linkedin|telegram|e-?mail|print|imprimer|accueil|home|menu|rechercher|search|"
    r"connexion|log ?in|sign ?in|s'abonner|newsletter)\b",
    re.IGNORECASE,
)
RELATED_HEADER = re.compile(
    r"^\s*(?:lire aussi|à lire aussi|related(?: articles| stories)?|read more|voir aussi|sur le même sujet|"
    r"dans la même rubrique|more stories|you may also like|vous aimerez aussi)\s*:?\s*$",
    re.IGNORECASE,
)
BACKGROUND_HEADER = re.compile(
    r"^\s*(?:contexte|background|context|repères|rappel|historique|history|explainer)\s*:?\s*$", re.IGNORECASE
)
LEADING_STAMP = re.compile(r"^\s*date\s+\d{4}-\d\d(?:-\d\d)?\b\s*", re.IGNORECASE)
BYLINE = re.compile(r"^(?:by|par|de notre correspondant)\s+[A-ZÀ-Ý][\w'’.-]+(?:\s+(?:[A-ZÀ-Ý][\w'’.-]+|and|et|,))*$")
LINE_END = re.compile(r"[.!?:;»\"”)]\s*$")
WRAPPED_START = re.compile(r"^[a-zà-ÿ]")
AGENCIES = r"AFP|Reuters|AP|APA|Xinhua|EFE|ANP|AA|APS|MAP|epd|dpa|KNA|ANSA|Lusa|PANA|ATS|Anadolu|IRNA|Sputnik"
DATELINE_ONLY = re.compile(rf"^[A-ZÀ-Ý][\w'’ -]{{2,30}},\s*[^.()]{{0,30}}\((?:{AGENCIES})\)[^.]{{0,25}}$")
BULLET = re.compile(r"^\s*(?:[-•*–—]|\d+\.)\s+")
SENTENCE_END = re.compile(
    r"(?:(?<=[.!?])|(?<=[.!?][»\"”]))\s+(?=[«\"“A-ZÉÈÊÀÂÎÔÛÇ0-9])"
    r"|(?<=[a-zà-ÿ]{3}\.)(?=[A-ZÉÈÊÀÂÎÔÛÇ][a-zà-ÿ'’])|(?<=\s\.)(?=[A-ZÉÈÊÀÂÎÔÛÇ][a-zà-ÿ'’])"  # "du Faso.Des frappes"
)
ABBREVIATIONS = re.compile(
    r"(?:\b(?:U\.S|U\.N|Mr|Mrs|Ms|Dr|Lt|Col|Gen|Sgt|Capt|Maj|Cpl|St|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|"
    r"No|Gov|Sen|Rep|Pr|M|Mme|cf|etc|av|env|Inc|Ltd|Co)\.|\b[A-Z]\.)$"
)


def split_sentences(text: str, title: str = "") -> list[Sentence]:
    """Paragraph lines cut into sentences, with offsets and noise/background flags."""
    sentences: list[Sentence] = []
    in_related = in_background = in_comments = prose = False
    headline = _key(title)
    for paragraph, (start, line) in enumerate(_lines(text)):
        stripped = line.strip()
        in_comments = in_comments or (prose and bool(COMMENTS_START.match(stripped) or _user_line(stripped)))
        if RELATED_HEADER.match(stripped):
            in_related = True
            continue
        if BACKGROUND_HEADER.match(stripped):
            in_background = True
            continue
        if in_related and (BULLET.match(stripped) or _is_link_like(stripped)):
            noise = True
        else:
            in_related = False
            noise = in_comments or is_noise_line(stripped) or (paragraph < 3 and bool(headline) and _key(stripped) == headline)
            prose = prose or not noise
        for s_start, s_end in _sentence_spans(line):
            chunk = line[s_start:s_end]
            sentences.append(
                Sentence(len(sentences), start + s_start, start + s_end, chunk, paragraph, noise, in_background)
            )
    return sentences


def is_noise_line(line: str) -> bool:
    """A share bar, link block, tag list, copyright or navigation line rather than article prose."""
    if not line:
        return True
    if NOISE_LINE.match(line) or (len(line) < 80 and NAV_WORDS.search(line)):
        return True
    if line.count("|") >= 2 or line.count(" – ") >= 2 and len(line) < 80:
        return True
    if DATELINE_ONLY.match(line):  # "Abuja, March 2 (AFP) Mar 02, 2021"
        return True
    words = line.split()
    return len(words) <= 6 and not re.search(r"[.!?:»\"”]$", line)


def _user_line(line: str) -> bool:
    """ "Amadou, 12 mars 2024 à 10h12": a commenter's name and a timestamp (not a "Publié le …" stamp)."""
    return bool(USER_LINE.match(line)) and not NOISE_LINE.match(line)


def _key(line: str) -> str:
    """A line folded for comparison with the headline (case, punctuation and spacing ignored)."""
    return " ".join(re.sub(r"[^\w]+", " ", line.lower()).split())


def _is_link_like(line: str) -> bool:
    return len(line) < 140 and not re.search(r"[.!?]$", line)


def _lines(text: str) -> list[tuple[int, str]]:
    """Non-empty lines with their offsets; a line hard-wrapped mid-sentence ("... par des\nhommes armés ...") is
    joined to its continuation, which starts in lower case right below it."""
    out: list[tuple[int, str]] = []
    pos, joinable = 0, False
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped and joinable and out and WRAPPED_START.match(stripped):
            start, line = out[-1]
            out[-1] = (start, text[start : pos + len(raw)])
        elif stripped:
            stamp = LEADING_STAMP.match(raw) if not out else None  # " date 2025-06-06 Russia's ...": not prose
            cut = stamp.end() if stamp else 0
            if raw[cut:].strip():
                out.append((pos + cut, raw[cut:]))
        joinable = bool(stripped) and not LINE_END.search(stripped)
        pos += len(raw) + 1
    return out


def headline(text: str) -> str:
    """The headline a page's text starts with, when the title is not given separately: the first line before any
    prose that reads like a headline (4 to 30 words, no closing full stop), once a date stamp, byline, kicker or
    navigation line is set aside. Empty when the text starts straight with prose."""
    lines = _lines(text)
    for n, (_, line) in enumerate(lines[:4]):
        stripped = LEADING_STAMP.sub("", line).strip()
        words = stripped.split()
        if not stripped or is_noise_line(stripped) or BYLINE.match(stripped):
            continue
        prose_follows = any(rest.strip() for _, rest in lines[n + 1 :])
        one_sentence = len(_sentence_spans(stripped)) == 1  # "... road. [size=several hundred]" is a note, no headline
        if prose_follows and one_sentence and 4 <= len(words) <= 30 and len(stripped) <= 220 and not re.search(r"[.;,]$", stripped):
            return stripped
        return ""
    return ""


def _sentence_spans(line: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in SENTENCE_END.finditer(line):
        if ABBREVIATIONS.search(line[start : m.start()]):
            continue
        spans.append(_trim(line, start, m.start()))
        start = m.end()
    spans.append(_trim(line, start, len(line)))
    return [s for s in spans if s[1] > s[0]]


def _trim(line: str, start: int, end: int) -> tuple[int, int]:
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    return start, end
