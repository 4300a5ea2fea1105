"""Keyword extraction: the words and short phrases a text keeps coming back to.

RAKE-style: candidates are runs of content words between stopwords and punctuation, scored by how
often their words occur and how they combine; each keyword is returned as it is written in the text.
"""

import re
from collections import Counter, defaultdict

from wendbaar.ai.text import stopwords
from wendbaar.ai.types import Keyword

_TOKEN = re.compile(r"[^\W_](?:[\w'\u2019&]*[^\W_])?(?:-[^\W_]+)*", re.UNICODE)
# Punctuation that ends a phrase; a plain space between two content words does not.
_BREAK = re.compile(r"[.,;:!?()\[\]{}\"\u201c\u201d\u2018\u2019/\\|<>=+*#•\u2013\u2014\n]")
_MAX_WORDS = 3


def extract_keywords(text: str, *, language: str = "", k: int = 10) -> list[Keyword]:
    """Up to `k` keywords of `text`, best first; both Dutch and English stopwords are skipped."""
    del language  # Dutch and English are mixed in practice; both stopword lists always apply.
    if not text or not text.strip() or k <= 0:
        return []
    phrases: list[tuple[str, ...]] = []
    surface: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    for part in _BREAK.split(text):
        run: list[str] = []
        for token in [*_TOKEN.findall(part), ""]:
            lower = token.lower()
            if token and _is_content(lower):
                run.append(token)
                continue
            for phrase in _chunks(run):
                key = tuple(w.lower() for w in phrase)
                phrases.append(key)
                surface[key][" ".join(phrase)] += 1
            run = []
    if not phrases:
        return []
    frequency = Counter(word for phrase in phrases for word in phrase)
    counts = Counter(phrases)
    scored = []
    for phrase, count in counts.items():
        # Words the text keeps repeating weigh most; a phrase that recurs as a whole is a theme.
        score = sum(frequency[w] for w in phrase) / len(phrase) ** 0.5 * (1 + 0.5 * (count - 1))
        scored.append((score, count, phrase))
    scored.sort(key=lambda item: (-item[0], -item[1], item[2]))
    keywords: list[Keyword] = []
    chosen: list[set[str]] = []
    for score, count, phrase in scored:
        words = set(phrase)
        # "CV-ketel" and "nieuwe CV-ketel" are one keyword, not two.
        if any(words <= other or other <= words for other in chosen):
            continue
        chosen.append(words)
        text_form = surface[phrase].most_common(1)[0][0]
        occurrences = frequency[phrase[0]] if len(phrase) == 1 else count
        keywords.append(Keyword(text=text_form, score=round(score, 3), count=occurrences))
        if len(keywords) == k:
            break
    return keywords


def _is_content(word: str) -> bool:
    return len(word) > 2 and word not in stopwords.ALL and not word.replace("-", "").isdigit()


def _chunks(run: list[str]) -> list[list[str]]:
    # Long runs (a list of names, a run-on title) are cut into phrases of at most three words.
    return [run[i : i + _MAX_WORDS] for i in range(0, len(run), _MAX_WORDS)]
