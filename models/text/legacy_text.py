"""Text typed years ago in the TCVN3 (ABC, ".VnTime") and VNI (VNI-Times) encodings, as it reaches
a spreadsheet read as Unicode: each legacy byte became the Windows-1252 character with that code.
"NguyÔn V¨n An" (TCVN3) and "Nguyeãn Vaên An" (VNI) are "Nguyễn Văn An".  Qt-free, stdlib only.

Decoding
- TCVN3 gives each lower-case letter with its tone one byte (0xA8-0xFE), and has byte codes only
  for the seven capitals Ă Â Ê Ô Ơ Ư Đ.  Capitals with a tone were typed in a second font
  (".VnTimeH") with the *lower-case* codes, so "TRÇN" shows "TRẦN" on screen but its bytes say
  "TRầN".  Handled: a letter decoded inside a word whose plain letters are all capitals, or inside
  a cell whose plain letters are all capitals, is made a capital ("NGUYÔN" -> "NGUYỄN").  Not
  handled (nothing in the bytes tells): a capital-font word without any plain capital letter,
  and a capital-font cell typed with lower-case plain letters (".VnTimeH" shows them as capitals
  too): they come out in lower case.  The importer then writes all-capital names normally.
- VNI writes a letter as its plain letter followed by one mark byte (ă = "aê", ấ = "aá") or, for
  đ ơ ư and the i tones, one byte of its own; capitals use the capital forms of the mark bytes.

Detection (``detect_encoding`` / ``convert_columns``) looks at a column's text cells, never a
single cell: a cell counts for an encoding when it contains characters no Vietnamese Unicode text
has (or is not Vietnamese as it stands) and becomes Vietnamese once decoded; a column is converted
when such cells are at least half of its cells with non-ASCII text.  Plain ASCII and ordinary
Unicode Vietnamese ("Trần Thị Bình") are left alone; so is any cell holding a character beyond
Latin-1 (it cannot be legacy text).  Only the first ``DETECT_ROWS`` rows are looked at.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import Any

__all__ = [
    "TCVN3",
    "VNI",
    "convert_columns",
    "detect_encoding",
    "is_vietnamese",
    "tcvn3_to_unicode",
    "vni_to_unicode",
]

TCVN3 = "TCVN3"
VNI = "VNI"
DETECT_ROWS = 5000
DETECT_SAMPLES = 400
THRESHOLD = 0.5

# Tone order of the rows below: ngang, huyền, hỏi, ngã, sắc, nặng
_TONES = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
_VOWELS = "aăâeêioôơuưy"

# --- TCVN3: one character per lower-case letter and tone (as read through Windows-1252) -------
_TCVN3_ROWS = {
    "a": "aµ¶·¸¹", "ă": "¨»¼½¾Æ", "â": "©ÇÈÉÊË", "e": "eÌÎÏÐÑ", "ê": "ªÒÓÔÕÖ",
    "i": "i×ØÜÝÞ", "o": "oßáâãä", "ô": "«åæçèé", "ơ": "¬êëìíî", "u": "uïñòóô",
    "ư": "\u00adõö÷øù", "y": "yúûüýþ",
}
_TCVN3_MAP: dict[str, str] = {"®": "đ", "¡": "Ă", "¢": "Â", "£": "Ê", "¤": "Ô", "¥": "Ơ",
                              "¦": "Ư", "§": "Đ"}
for _base, _codes in _TCVN3_ROWS.items():
    for _tone, _code in zip(_TONES, _codes, strict=True):
        if _code != _base:
            _TCVN3_MAP[_code] = unicodedata.normalize("NFC", _base + _tone)
_TCVN3_TABLE = str.maketrans(_TCVN3_MAP)

# --- VNI: plain letter + mark byte, or one byte -------------------------------------------------
# vowel -> its spelling without tone, and its spellings with each tone (huyền, hỏi, ngã, sắc, nặng)
_VNI_PLAIN_TONES = ("ø", "û", "õ", "ù", "ï")
_VNI_ROWS: dict[str, tuple[str, tuple[str, ...]]] = {
    "a": ("a", tuple("a" + t for t in _VNI_PLAIN_TONES)),
    "ă": ("aê", ("aè", "aú", "aü", "aé", "aë")),
    "â": ("aâ", ("aà", "aå", "aã", "aá", "aä")),
    "e": ("e", tuple("e" + t for t in _VNI_PLAIN_TONES)),
    "ê": ("eâ", ("eà", "eå", "eã", "eá", "eä")),
    "i": ("i", ("ì", "æ", "ó", "í", "ò")),
    "o": ("o", tuple("o" + t for t in _VNI_PLAIN_TONES)),
    "ô": ("oâ", ("oà", "oå", "oã", "oá", "oä")),
    "ơ": ("ô", tuple("ô" + t for t in _VNI_PLAIN_TONES)),
    "u": ("u", tuple("u" + t for t in _VNI_PLAIN_TONES)),
    "ư": ("ö", tuple("ö" + t for t in _VNI_PLAIN_TONES)),
    "y": ("y", ("yø", "yû", "yõ", "yù", "î")),
}
_VNI_MAP: dict[str, str] = {"ñ": "đ"}
for _base, (_plain, _toned) in _VNI_ROWS.items():
    for _tone, _code in zip(_TONES, (_plain, *_toned), strict=True):
        letter = unicodedata.normalize("NFC", _base + _tone)
        if _code != letter:
            _VNI_MAP[_code] = letter
for _code, _letter in list(_VNI_MAP.items()):
    _VNI_MAP[_code.upper()] = _letter.upper()  # capitals: capital letter and capital mark
    if len(_code) == 2:
        _VNI_MAP[_code[0].upper() + _code[1]] = _letter.upper()  # "Aù": mark typed lower case
_VNI_PAIRS = {k: v for k, v in _VNI_MAP.items() if len(k) == 2}
_VNI_SINGLES = {k: v for k, v in _VNI_MAP.items() if len(k) == 1}
_VNI_MARKS = frozenset(k[1] for k in _VNI_PAIRS) | frozenset(_VNI_SINGLES)

# Latin-1 letters that ordinary Vietnamese Unicode text uses: the rest are "legacy only"
_VIETNAMESE_LATIN1 = frozenset("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
_TCVN3_ONLY = frozenset(_TCVN3_MAP) - _VIETNAMESE_LATIN1
_VNI_ONLY = frozenset(c for k in _VNI_MAP for c in k if not c.isascii()) - _VIETNAMESE_LATIN1


def tcvn3_to_unicode(text: str) -> str:
    """Decode TCVN3 text read as Windows-1252 (see the module notes on capitals); NFC."""
    decoded = text.translate(_TCVN3_TABLE)
    if decoded == text:
        return unicodedata.normalize("NFC", text)
    plain = [c for c in text if c.isascii() and c.isalpha()]
    all_caps = len(plain) >= 2 and all(c.isupper() for c in plain)
    words = re.split(r"(\s+)", decoded)
    originals = re.split(r"(\s+)", text)
    # a name in normal capitalisation: every word that starts with a plain letter starts with a
    # capital, so a word starting with a decoded letter does too ("Ngäc ¸nh" -> "Ngọc Ánh")
    initials = [w[0] for w in originals if w and w[0].isascii() and w[0].isalpha()]
    title = len([w for w in originals if w and w[0].isalpha()]) >= 2 and bool(initials) \
        and all(c.isupper() for c in initials)
    out: list[str] = []
    for word, original in zip(words, originals, strict=True):
        letters = [c for c in original if c.isascii() and c.isalpha()]
        if word != original and (all_caps or (len(letters) >= 2
                                               and all(c.isupper() for c in letters))):
            word = word.upper()
        elif title and word and original[0] in _TCVN3_MAP:
            word = word[0].upper() + word[1:]
        out.append(word)
    return unicodedata.normalize("NFC", "".join(out))


def vni_to_unicode(text: str) -> str:
    """Decode VNI text read as Windows-1252; NFC."""
    if _VNI_MARKS.isdisjoint(text):
        return unicodedata.normalize("NFC", text)
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        pair = _VNI_PAIRS.get(text[i:i + 2])
        if pair is not None:
            out.append(pair)
            i += 2
            continue
        out.append(_VNI_SINGLES.get(text[i], text[i]))
        i += 1
    return unicodedata.normalize("NFC", "".join(out))


DECODERS: dict[str, Callable[[str], str]] = {TCVN3: tcvn3_to_unicode, VNI: vni_to_unicode}
_LEGACY_ONLY = {TCVN3: _TCVN3_ONLY, VNI: _VNI_ONLY}

# --- is it Vietnamese? ---------------------------------------------------------------------------
_TONE_MARKS = frozenset(_TONES[1:])
# the vowel groups of Vietnamese syllables (without tones), longest first
_NUCLEI_TEXT = ("iêu yêu oai oay oao oeo uây uôi ươi ươu uya uyê uyu "
                "ai ao au ay âu ây eo êu ia iê iu oa oă oe oi oo ôi ơi ua uâ uê ui uô uơ uy ưa ưi"
                " ươ ưu yê a ă â e ê i o ô ơ u ư y")
_NUCLEI = sorted(_NUCLEI_TEXT.split(), key=len, reverse=True)
_SYLLABLE = re.compile(
    r"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|q|r|s|t|v|x)?"
    f"({'|'.join(_NUCLEI)})"
    r"(ch|ng|nh|c|m|n|p|t)?")
_WORD = re.compile(r"[^\W\d_]+")


def _is_syllable(word: str) -> bool:
    decomposed = unicodedata.normalize("NFD", word.lower())
    if sum(1 for c in decomposed if c in _TONE_MARKS) > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    return _SYLLABLE.fullmatch(base) is not None


def is_vietnamese(text: str) -> bool:
    """Every word with a letter beyond ASCII is a possible Vietnamese syllable (one tone at most,
    Vietnamese letters in a consonant-vowels-consonant shape); plain ASCII words pass."""
    return all(word.isascii() or _is_syllable(word) for word in _WORD.findall(text))


# --- detection -----------------------------------------------------------------------------------

def _evidence(text: str, encoding: str) -> bool:
    """The cell reads as legacy text of that encoding: it is not Vietnamese as Unicode (or holds
    a legacy-only character) and it is Vietnamese once decoded."""
    if max(text) > "\u00ff":
        return False
    legacy = not _LEGACY_ONLY[encoding].isdisjoint(text)
    if not legacy and is_vietnamese(text):
        return False
    decoded = DECODERS[encoding](text)
    return decoded != unicodedata.normalize("NFC", text) and is_vietnamese(decoded)


def detect_encoding(values: Iterable[str]) -> tuple[str | None, float]:
    """(TCVN3 / VNI / None, score) for the text cells of one column; the score is the share of
    the cells with non-ASCII text that read as that encoding."""
    samples = [v for v in values if not v.isascii()]
    if not samples:
        return None, 0.0
    best: tuple[str | None, float] = (None, 0.0)
    for encoding in (TCVN3, VNI):
        score = sum(1 for v in samples if _evidence(v, encoding)) / len(samples)
        if score > best[1]:
            best = (encoding, score)
    return best if best[1] >= THRESHOLD else (None, best[1])


def convert_cell(text: str, encoding: str) -> str:
    """A cell of a legacy column: decoded when the result is Vietnamese (or the cell holds
    legacy-only characters); left as it is when it holds characters beyond Latin-1."""
    if text.isascii() or max(text) > "\u00ff":
        return text
    decoded = DECODERS[encoding](text)
    if is_vietnamese(decoded) or not _LEGACY_ONLY[encoding].isdisjoint(text):
        return decoded
    return text


def convert_columns(rows: Sequence[list[Any]], start: int = 0) -> dict[int, str]:
    """Find the legacy-encoded columns of rows (from row ``start``) and decode their text cells
    in place; column index -> encoding name."""
    samples: dict[int, list[str]] = {}
    for row in rows[start:start + DETECT_ROWS]:
        for col, value in enumerate(row):
            if isinstance(value, str) and not value.isascii():
                bucket = samples.setdefault(col, [])
                if len(bucket) < DETECT_SAMPLES:
                    bucket.append(value)
    found: dict[int, str] = {}
    for col, values in samples.items():
        encoding, _score = detect_encoding(values)
        if encoding is not None:
            found[col] = encoding
    if not found:
        return found
    for row in rows[start:]:
        for col, encoding in found.items():
            if col < len(row):
                value = row[col]
                if isinstance(value, str) and not value.isascii():
                    row[col] = convert_cell(value, encoding)
    return found
