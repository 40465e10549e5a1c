"""Vietnamese text helpers: cleaning, accent folding for search, and a collation key for sorting.

Qt-free and stdlib-only, because the same rules must hold in the GUI, in imports and in the
database (the sort key is stored and used in ``ORDER BY``).  Rules: DOMAIN.md §4.

Sort order (DOMAIN.md §4), a tuple comparison: first the given name (last word), then the
middle names one by one, then the family name (first word).  Each word is compared completely --
its letters in Vietnamese order, then its tone, then its case -- before the next word is looked
at.  So every "Hương" sorts before every "Hường" whatever the family name, and names spelled
identically stay together, as when an Excel list is sorted by its "Tên" column, then "Họ đệm",
then "Họ".  A name without middle names sorts before the same given name with middle names.

Sort key layout (digits only, so every database collation orders it the same way): the words in
the order given, middle 1, middle 2, ..., the end-of-middles marker ``00``, family.  Each word is

* its letters as 2-digit codes (digits ``01``..``10``, letters from ``11`` in Vietnamese order,
  other letters ``99``), then ``00``;
* one tone digit (0 ngang, 1 huyền, 2 hỏi, 3 ngã, 4 sắc, 5 nặng).  The tone belongs to the word,
  so "Thủy" and "Thuỷ" get the same key;
* one case digit per letter (0 lower, 1 upper).

Codes are never ``00``, so a shorter word sorts first and the marker sorts before any word; the
case digits are as many as the letters, so the next word starts at the same place in both keys
whenever the letters are equal.  A one-word name is the word, ``00`` (no middles) and ``00`` (an
empty family name).  Example: "Lê An" -> ``112800010`` ``00`` ``261900010``.

Characters other than letters and digits (hyphen, apostrophe, dot, emoji) are ignored when
sorting; a word made only of such characters is dropped.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

__all__ = [
    "base_letters",
    "clean",
    "clean_lines",
    "clean_name",
    "fold",
    "fold_query",
    "sort_key",
    "tone_of",
]


class _Unseen(dict[int, str | None]):
    """The one text-cleaning rule, as a str.translate table filled as characters are met:
    characters nobody can see or that change how the text around them is shown are removed —
    control characters, format characters (zero-width spaces and joiners, soft hyphens, BOMs,
    bidirectional overrides and isolates) and lone surrogates — and every kind of space or
    line break becomes a plain space."""

    def __missing__(self, codepoint: int) -> str | None:
        char = chr(codepoint)
        value: str | None = char
        if char.isspace():
            value = " "
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs"):
            value = None
        self[codepoint] = value
        return value


_UNSEEN = _Unseen()

# Combining tone marks -> tone digit, in the CLDR/ICU Vietnamese order.
_TONE_MARKS: dict[str, str] = {
    "\u0300": "1",  # huyền
    "\u0309": "2",  # hỏi
    "\u0303": "3",  # ngã
    "\u0301": "4",  # sắc
    "\u0323": "5",  # nặng
}
_STRIP_TONES: dict[int, None] = dict.fromkeys(map(ord, _TONE_MARKS))

# The Vietnamese alphabet (plus f j w z) in collation order; ă â đ ê ô ơ ư are letters of their own.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# lower-case letter -> (2-digit primary code, ASCII letter for search)
_LETTERS: dict[str, tuple[str, str]] = {
    letter: (f"{11 + index:02d}", "d" if letter == "đ" else unicodedata.normalize("NFD", letter)[0])
    for index, letter in enumerate(_ALPHABET)
}
_UNKNOWN_LETTER = "99"

# Latin letters that do not decompose in Unicode, mapped to the nearest letters above.
# U+00D0/U+00F0 (eth) look exactly like Đ/đ and turn up in badly converted legacy data.
_SPECIAL: dict[str, str] = {
    "ð": "đ",
    "ø": "o",
    "ł": "l",
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
    "þ": "th",
    "ı": "i",
    "ħ": "h",
    "ŧ": "t",
    "ƀ": "b",
    "ƶ": "z",
    "ɨ": "i",
    "ʉ": "u",
}

# (primary codes, tone digit, case digits, search text) of one character.
_CharInfo = tuple[str, str, str, str]


def _letter_info(char: str) -> list[tuple[str, str, str]]:
    """(code, case digit, search text) for one tone-less, NFC character; [] if it is ignored."""
    lower = char.lower()
    case = "1" if char != lower else "0"
    if lower in _LETTERS:
        code, ascii_letter = _LETTERS[lower]
        return [(code, case, ascii_letter)]
    if lower in _SPECIAL:
        return [(_LETTERS[c][0], case, _LETTERS[c][1]) for c in _SPECIAL[lower]]
    if char.isdecimal():
        digit = unicodedata.decimal(char)
        return [(f"{digit + 1:02d}", "0", str(digit))]
    bases = [c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)]
    if bases != [char]:  # a Latin letter with a foreign accent: sort it as its base letter
        return [info for base in bases for info in _letter_info(base)]
    if char.isalpha():
        return [(_UNKNOWN_LETTER, "1" if char.isupper() else "0", " ")]
    return []


def _classify(char: str) -> _CharInfo:
    """Everything the tables need to know about one character (called once per character)."""
    category = unicodedata.category(char)
    if category[0] == "M" or category == "Cf":  # stray combining mark or invisible format char
        return "", _TONE_MARKS.get(char, ""), "", ""
    decomposed = unicodedata.normalize("NFKD", char)
    tone = next((_TONE_MARKS[c] for c in decomposed if c in _TONE_MARKS), "")
    toneless = unicodedata.normalize("NFC", decomposed.translate(_STRIP_TONES))
    infos = [info for c in toneless for info in _letter_info(c)]
    if not infos:
        return "", "", "", " "
    return (
        "".join(code for code, _, _ in infos),
        tone,
        "".join(case for _, case, _ in infos),
        "".join(text for _, _, text in infos),
    )


class _LazyTable(dict[int, str | None]):
    """A str.translate table that classifies characters it has not seen yet, once."""

    def __init__(self, field: int) -> None:
        super().__init__()
        self._field = field

    def __missing__(self, codepoint: int) -> str | None:
        _remember(chr(codepoint))
        return self[codepoint]


_PRIMARY = _LazyTable(0)
_TONE = _LazyTable(1)
_CASE = _LazyTable(2)
_FOLD = _LazyTable(3)
_TABLES = (_PRIMARY, _TONE, _CASE, _FOLD)


def _remember(char: str) -> None:
    """Fill all translate tables for one character (empty results become deletions)."""
    info = _classify(char)
    for table in _TABLES:
        table[ord(char)] = info[table._field] or None


def _prefill() -> None:
    """Precompute ASCII and every precomposed Vietnamese letter, so the hot path never misses."""
    letters = _ALPHABET + _ALPHABET.upper() + "".join(_SPECIAL) + "ÐØŁÆŒÞ"
    chars = {chr(c) for c in range(0x20, 0x7F)} | set(letters) | set(_TONE_MARKS)
    for letter in letters:
        for mark in _TONE_MARKS:
            composed = unicodedata.normalize("NFC", letter + mark)
            if len(composed) == 1:
                chars.add(composed)
    for char in chars:
        _remember(char)


_prefill()


@lru_cache(maxsize=1 << 16)
def clean(text: str | None) -> str:
    """The one cleaning rule for every text the program keeps (a name, a note, a cell of an
    imported list): unseen characters removed (see ``_Unseen``: control and format characters,
    bidirectional overrides, zero-width characters), NFC-normalised, whitespace collapsed to
    single spaces, so equal-looking strings are equal strings.  Cached: lists repeat the same
    organisations, units, titles and cells on every row.
    """
    if not text:
        return ""
    if not text.isprintable():  # rare: testing first keeps the common case fast
        text = text.translate(_UNSEEN)
    return " ".join(unicodedata.normalize("NFC", text).split())


def clean_lines(text: str | None) -> str:
    """clean() for each line of a text that keeps its line breaks (multi-line notes); empty
    lines at the start and the end are dropped."""
    if not text:
        return ""
    lines = [clean(line) for line in text.replace("\r\n", "\n").replace("\r", "\n")
             .split("\n")]
    return "\n".join(lines).strip("\n")


@lru_cache(maxsize=1 << 16)  # lists repeat names: each is worked out once
def clean_name(text: str | None) -> str:
    """clean(), and turn an ALL-CAPITALS name (old lists) into normal capitalisation.

    Every letter not preceded by a letter or digit becomes upper case, so "H'HEN NIÊ" becomes
    "H'Hen Niê" and "Y-MOAN" becomes "Y-Moan".  Mixed-case names are kept as typed.
    """
    name = clean(text)
    if not name.isupper():  # some lower-case letter, or no capital at all: kept as typed
        return name
    out: list[str] = []
    in_word = False
    for char in name.lower():
        if unicodedata.combining(char):  # a mark belongs to the letter before it
            out.append(char)
            continue
        out.append(char.upper() if char.isalpha() and not in_word else char)
        in_word = char.isalnum()
    return "".join(out)


@lru_cache(maxsize=1 << 16)  # lists repeat names: each is worked out once
def fold(text: str | None) -> str:
    """The search key: ASCII lower-case words, accents and tones removed, đ -> d.

    Anything that is not a Latin letter or digit separates words.
    """
    return " ".join(clean(text).translate(_FOLD).split())


def fold_query(text: str | None) -> list[str]:
    """The words of a search query, folded like stored names."""
    return fold(text).split()


def tone_of(syllable: str) -> int:
    """The tone of a syllable: 0 ngang, 1 huyền, 2 hỏi, 3 ngã, 4 sắc, 5 nặng (first mark wins)."""
    tone = clean(syllable).translate(_TONE)[:1]
    return int(tone) if tone else 0


def base_letters(word: str) -> str:
    """The word in lower case without tone marks; ă â ê ô ơ ư đ are kept (they are letters)."""
    decomposed = unicodedata.normalize("NFD", clean(word)).translate(_STRIP_TONES)
    return unicodedata.normalize("NFC", decomposed).lower()


@lru_cache(maxsize=1 << 16)
def _word_key(word: str) -> str:
    """Letter codes + "00" + tone digit + case digits of one cleaned word; "" if no letters."""
    codes = word.translate(_PRIMARY)
    if not codes:
        return ""
    return codes + "00" + (word.translate(_TONE)[:1] or "0") + word.translate(_CASE)


@lru_cache(maxsize=1 << 16)  # lists repeat names: each is worked out once
def sort_key(full_name: str | None) -> str:
    """The Vietnamese collation key of a full name: digits only, compare as plain strings.

    Order: given name, then middle names, then family name, each word compared completely
    (letters, then tone, then case) before the next; see the module docstring.
    """
    text = clean(full_name)
    if not text:
        return ""
    words = [key for key in map(_word_key, text.split(" ")) if key]
    if not words:
        return ""
    if len(words) == 1:  # given name only: no middles ("00"), empty family name ("00")
        return words[0] + "0000"
    return words[-1] + "".join(words[1:-1]) + "00" + words[0]
