"""Language stage: langdetect, seeded, with its probability; `und` when it cannot tell."""

from __future__ import annotations

from dataclasses import replace

from langdetect import DetectorFactory, detector_factory
from langdetect.detector_factory import init_factory
from langdetect.lang_detect_exception import LangDetectException

from tasks.models import Article

DetectorFactory.seed = 0
init_factory()  # load the profiles once, before any thread uses the factory

# Sahel outlets write French, English and Arabic: a prior keeps a short English lead from reading as Danish or
# Swedish, while any other language can still win on a longer text.
LIKELY = {"fr": 50.0, "en": 50.0, "ar": 50.0}
PRIOR = {lang: LIKELY.get(lang, 1.0) for lang in detector_factory._factory.langlist}

MIN_CHARS = 20
MIN_PROB = 0.50
SAMPLE_CHARS = 3000


def detect_language(text: str) -> tuple[str, float | None]:
    """('fr', 0.99) for French text, ('und', None) when the text is too short or the detector cannot tell."""
    sample = (text or "")[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_CHARS:
        return "und", None
    try:
        detector = detector_factory._factory.create()
        detector.set_prior_map(PRIOR)
        detector.append(sample)
        best = detector.get_probabilities()[0]
    except LangDetectException:
        return "und", None
    if best.prob < MIN_PROB:
        return "und", round(best.prob, 4)
    return best.lang, round(best.prob, 4)


def with_language(article: Article) -> Article:
    """The article with its detected language (title and text together)."""
    lang, prob = detect_language(f"{article.title}\n{article.text}")
    return replace(article, language=lang, language_prob=prob)
