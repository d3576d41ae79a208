"""Vietnamese text: Unicode normalisation, dictionary sort order and accent folding.

Vietnamese text arrives in two Unicode forms: precomposed (NFC, what keyboards on Windows type)
and decomposed (NFD, what some Mac and PDF copy-paste gives). They look identical and compare
unequal, so everything stored is NFC.
"""

import re
import unicodedata

# The Vietnamese alphabet in dictionary order ("đ" after "d", "ă" and "â" after "a"), with the
# Latin letters it lacks where a Latin reader looks for them (names such as Đắk Wil, Fansipan).
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET, start=1)}
# Tone marks in dictionary order: none, huyền, hỏi, ngã, sắc, nặng.
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Combining marks that make a different letter rather than a tone.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve ă, circumflex â ê ô, horn ơ ư
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


# C0 control characters other than tab and line breaks (a vertical tab is what Word's
# Shift+Enter pastes as): they are invisible, break XML (DOCX, XLSX) and PostgreSQL (NUL).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def normalize(text: str) -> str:
    """The NFC form of `text`, without control characters and surrounding whitespace."""
    return _CONTROL.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _split_letter(char: str) -> tuple[str, int]:
    """A character's base letter (keeping ă â ê ô ơ ư đ) and its tone rank."""
    decomposed = unicodedata.normalize("NFD", char.lower())
    tone = 0
    kept = []
    for part in decomposed:
        if part in _TONE_RANK:
            tone = _TONE_RANK[part]
        elif not unicodedata.combining(part) or part in _LETTER_MARKS:
            kept.append(part)
    return unicodedata.normalize("NFC", "".join(kept)), tone


def _encode(rank: int) -> str:
    return _DIGITS[rank // 36] + _DIGITS[rank % 36]


def sort_key(text: str) -> str:
    """A key that sorts Vietnamese names in dictionary order on any database collation.

    Names compare syllable by syllable, as in a Vietnamese dictionary: first the letters in
    Vietnamese alphabet order ("Đ" after "D", "Ă" and "Â" after "A"), then the syllable's tone,
    which comes after the bare letters ("Hoa" < "Hòa" < "Hóa"), before the next syllable. The
    tone belongs to the syllable, not to the letter that carries it, so the old and the new
    placement ("Hoà", "Hòa") sort alike. The key uses only the characters 0-9 and a-z, which
    every collation, SQLite's and PostgreSQL's alike, orders the same way.
    """
    words = []
    for word in normalize(text).split():
        letters, tone = [], 0
        # Numbers compare by value ("Phường 2" before "Phường 10"): each run of digits is keyed
        # as its length, then its digits, below every letter.
        for digits, char in re.findall(r"(\d+)|(\D)", word):
            if digits:
                digits = digits.lstrip("0") or "0"
                letters.append("01" + _DIGITS[min(len(digits), 35)] + digits)
                continue
            base, char_tone = _split_letter(char)
            tone = tone or char_tone
            if base in _LETTER_RANK:
                rank = 100 + _LETTER_RANK[base]
            elif base.isalpha():
                rank = 200 + ord(base) % 1000
            else:
                rank = 2
            letters.append(_encode(rank))
        # "00" ends the syllable's letters, so "Hoa" sorts before "Hoai" and "Hoa Lư".
        words.append("".join(letters) + "00" + _DIGITS[tone])
    return "".join(words)


def person_sort_key(full_name: str) -> str:
    """The order of people in a Vietnamese list: by given name (the last word), then family
    name (the first), then middle names: "Nguyễn Văn An" before "Bùi Thị Bình"."""
    words = normalize(full_name).split()
    if len(words) > 1:
        words = [words[-1], words[0], *words[1:-1]]
    return sort_key(" ".join(words))


def fold(text: str) -> str:
    """Lower-case `text` without diacritics: "Thiện Tân" → "thien tan", "Đăng" → "dang"."""
    decomposed = unicodedata.normalize("NFD", _CONTROL.sub(" ", text.lower().replace("đ", "d")))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters at a word boundary, with "…" when cut (never
    mid-word: "…vận hành mô hình" rather than "…vận hành mô hình chín"); a first word longer
    than `limit` is kept whole."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit + 1].rsplit(" ", 1)[0] if " " in text[:limit + 1] else text.split()[0]
    return cut.rstrip(" ,;:-–(") + "…"
