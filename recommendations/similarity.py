"""Likely duplicates among recommendations: same category, similar wording.

Recommendations are short Vietnamese sentences; units reword the same request ("Đào tạo, bồi
dưỡng chuyên môn, nghiệp vụ" and "Đào tạo, bồi dưỡng nâng cao kỹ năng chuyên môn, nghiệp vụ cho
cán bộ, công chức"). Comparing the sets of meaningful syllables, accent-folded, catches such
rewordings; the overlap is measured against the shorter text, since one is often a longer
version of the other.
"""

import re
from collections import defaultdict

from communes.text import fold

# Function words that say nothing about what is asked.
STOPWORDS = frozenset({
    "va", "cac", "cho", "cua", "mot", "so", "de", "ve", "trong", "tai", "voi", "nhung", "duoc",
    "theo", "o", "the", "nay", "do", "tu", "den", "la", "co", "khi", "da", "se", "dang", "viec",
    "tiep", "tuc", "xem", "xet", "quan", "tam", "som",
})
MIN_SHARED = 3
MIN_OVERLAP = 0.6


def keywords(text: str) -> frozenset[str]:
    return frozenset(
        word for word in re.split(r"[^a-z0-9]+", fold(text)) if word and word not in STOPWORDS
    )


def _overlap(a: frozenset, b: frozenset) -> float:
    shared = len(a & b)
    return shared / min(len(a), len(b)) if shared >= MIN_SHARED else 0.0


def similarity(first: str, second: str) -> float:
    """How much of the shorter text's keywords the other shares (0 when fewer than three)."""
    return _overlap(keywords(first), keywords(second))


def likely_duplicates(recommendations) -> dict[int, list]:
    """For each recommendation, the others of the same category worded similarly."""
    by_category = defaultdict(list)
    for recommendation in recommendations:
        by_category[recommendation.category_id].append(
            (recommendation, keywords(recommendation.text)))
    found = defaultdict(list)
    for items in by_category.values():
        for index, (first, first_words) in enumerate(items):
            for second, second_words in items[index + 1:]:
                if _overlap(first_words, second_words) >= MIN_OVERLAP:
                    found[first.pk].append(second)
                    found[second.pk].append(first)
    return found
