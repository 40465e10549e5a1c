"""Cross-check models.text.vntext.sort_key against Qt's QCollator (ICU, CLDR Vietnamese tailoring).

DOMAIN.md §4 is a tuple comparison: given name, then middle names, then family name, each word
compared completely (letters, tone, case) before the next.  So the reference order here compares
names word by word in the order (given, middle1, middle2, ..., END, family), each pair of words
with QCollator (Vietnamese locale), END being smaller than any word; a one-word name is just
(given, END), so its missing family name also sorts first.  Our keys must give exactly that order.

ICU weighs a tone mark by its position in the string, so "Thủy" and "Thuỷ" differ there while
they are one name for us.  The generated names therefore always put the tone mark on one
deterministic vowel (the modern placement rule), which makes both positions agree.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import functools
import itertools
import random
import unicodedata

import pytest

from models.text.vntext import sort_key

pytest.importorskip("PySide6.QtCore")
from PySide6.QtCore import QCollator, QLocale, Qt

TONE_MARKS = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]  # ngang .. nặng
STOP_FINALS = ("c", "ch", "p", "t")  # such syllables only take sắc or nặng
VOWELS = set("aăâeêioôơuưy")
MODIFIED_VOWELS = set("ăâêôơư")


def words(text: str) -> list[str]:
    return text.split()


FAMILY = words(
    "nguyên trân lê pham hoang huynh phan vu vo đang bui đô hô ngô dương ly đao đinh trinh mai "
    "cao lương ta vương quach giang khuc ưng âu ông kiêu lai la tô triêu doan thai chu diêp"
)
GIVEN = words(
    "văn thi đưc minh quang ngoc thanh hưu xuân thu kim bao anh hông quôc manh an ân ăn binh "
    "chi cương dung đông giang ha hai hăng hiêu hoa hoai khoa khuyên lan linh loan long my nam "
    "nga nhung oanh phong phương quynh sơn tâm thao thăng thuy tiên trang trung tuân tuyêt uyên "
    "vân vinh yên ngoan thuân khuê huê quy gia giap nguyêt hoe toan thoa xoan tuy luy nhuê ươc "
    "oai ngoai khoe khoai ươn hươu khuyu mươi tươi quyêt nhi gi qua thư thơ thơm lôc lơi khê khe tơ"
)
# A tiny pool, so that many names share all letters and tones and case have to decide.
TIE_FAMILY = ["nguyên", "lê"]
TIE_GIVEN = ["hoa", "an", "thuy", "văn", "thi"]


def vowel_nucleus(syllable: str) -> list[int]:
    """Indexes of the vowel letters, with the "gi"/"qu" onsets not counted as vowels."""
    start = 0
    if syllable.startswith(("gi", "qu")) and len(syllable) > 2 and syllable[2] in VOWELS:
        start = 2
    indexes: list[int] = []
    for index in range(start, len(syllable)):
        if syllable[index] in VOWELS:
            indexes.append(index)
        elif indexes:
            break
    return indexes


def place_tone(syllable: str, tone: int) -> str:
    """Write the tone mark on one vowel chosen by the modern rule (deterministic per syllable)."""
    if tone == 0:
        return syllable
    nucleus = vowel_nucleus(syllable)
    modified = [i for i in nucleus if syllable[i] in MODIFIED_VOWELS]
    has_final = nucleus[-1] + 1 < len(syllable)
    if modified:
        target = modified[-1]  # ươ -> ơ, uyê -> ê
    elif len(nucleus) == 1 or has_final:
        target = nucleus[-1]  # hoàng, huỳnh
    elif len(nucleus) == 3:
        target = nucleus[1]  # ngoài, khuỷu
    elif syllable[nucleus[0] : nucleus[1] + 1] in ("oa", "oe", "uy"):
        target = nucleus[1]  # hoà, khoẻ, thuỷ
    else:
        target = nucleus[0]  # mái, múa, kìa
    marked = syllable[: target + 1] + TONE_MARKS[tone] + syllable[target + 1 :]
    return unicodedata.normalize("NFC", marked)


def random_word(rng: random.Random, pool: list[str]) -> str:
    syllable = rng.choice(pool)
    tone = rng.choice([4, 5]) if syllable.endswith(STOP_FINALS) else rng.randrange(6)
    word = place_tone(syllable, tone)
    style = rng.random()
    if style < 0.80:
        return word[0].upper() + word[1:]
    if style < 0.92:
        return word
    return word.upper()


def random_name(rng: random.Random, family: list[str], given: list[str]) -> str:
    middles = [random_word(rng, given) for _ in range(rng.randint(0, 2))]
    words = [random_word(rng, family), *middles, random_word(rng, given)]
    if rng.random() < 0.03:
        words = words[-1:]  # a one-word name
    return " ".join(words)


def generated_names() -> list[str]:
    rng = random.Random(20260213)
    names = [random_name(rng, FAMILY, GIVEN) for _ in range(3000)]
    names += [random_name(rng, TIE_FAMILY, TIE_GIVEN) for _ in range(1000)]
    return names


END = None  # the end-of-middles marker: smaller than any word


def collation_words(name: str) -> list[str | None]:
    """The name's words in comparison order: given, middles..., END, family."""
    words = name.split(" ")
    if len(words) == 1:
        return [words[0], END]
    return [words[-1], *words[1:-1], END, words[0]]


def word_by_word(collator: QCollator, a: str, b: str) -> int:
    """Compare two names as tuples of words, each pair of words with QCollator."""
    words_a, words_b = collation_words(a), collation_words(b)
    for word_a, word_b in zip(words_a, words_b, strict=False):
        if word_a is None or word_b is None:
            result = (word_a is not None) - (word_b is not None)
        else:
            result = collator.compare(word_a, word_b)
        if result:
            return -1 if result < 0 else 1
    return (len(words_a) > len(words_b)) - (len(words_a) < len(words_b))


@pytest.fixture(scope="module")
def collator() -> QCollator:
    result = QCollator(QLocale(QLocale.Language.Vietnamese))
    result.setIgnorePunctuation(False)
    result.setCaseSensitivity(Qt.CaseSensitivity.CaseSensitive)
    result.setNumericMode(False)
    return result


def test_qcollator_premises(collator: QCollator) -> None:
    """What the cross-check relies on: ICU Vietnamese letter order, then tones, then case."""

    def ordered(*texts: str) -> bool:
        return all(collator.compare(a, b) < 0 for a, b in itertools.pairwise(texts))

    if not ordered("d", "đ", "e") or not ordered("u", "ư", "v"):
        pytest.skip("this Qt build's QCollator has no CLDR Vietnamese tailoring (no ICU?)")
    assert ordered("0", "9", "a", "ă", "â", "b", "d", "đ", "e", "ê", "f", "g")
    assert ordered("o", "ô", "ơ", "p", "u", "ư", "v", "w", "x", "y", "z")
    assert ordered("an", "anh", "ăn")  # a shorter word first
    assert ordered("ma", "mà", "mả", "mã", "má", "mạ", "mai")  # tones only after the letters
    assert ordered("ma", "Ma", "MA", "mà")  # case only after tones


def test_reference_order_is_word_by_word(collator: QCollator) -> None:
    """The reference itself follows DOMAIN.md §4 (given, middles, family; each word complete)."""
    test_qcollator_premises(collator)
    names = [
        "Trần Hương",  # no middle name first
        "Nguyễn Thị Hương",
        "Vũ Văn Hương",
        "Hường",  # all Hương before all Hường; one word: no middles, empty family
        "Bùi Hường",
        "Đặng Thị Hường",
        "Lê Thị Hường",
    ]
    for a, b in itertools.pairwise(names):
        assert word_by_word(collator, a, b) < 0, (a, b)
        assert word_by_word(collator, b, a) > 0, (b, a)
    assert word_by_word(collator, "Trần Văn Anh", "Lê Thị Ánh") < 0
    assert word_by_word(collator, "Lê Thị Ánh", "Nguyễn Thị Ánh") < 0
    assert word_by_word(collator, "Lê Thị Ánh", "Lê Thị Ánh") == 0


def test_generator_places_each_tone_deterministically() -> None:
    assert place_tone("hoa", 1) == "hoà"
    assert place_tone("thuy", 2) == "thuỷ"
    assert place_tone("hoang", 1) == "hoàng"
    assert place_tone("ngoai", 1) == "ngoài"
    assert place_tone("nguyêt", 5) == "nguyệt"
    assert place_tone("dương", 0) == "dương"
    assert place_tone("hươu", 4) == "hướu"
    assert place_tone("khuyu", 2) == "khuỷu"
    assert place_tone("quy", 4) == "quý"
    assert place_tone("gia", 2) == "giả"
    assert place_tone("gi", 1) == "gì"
    assert place_tone("mai", 4) == "mái"


def test_sort_key_order_matches_qcollator(collator: QCollator) -> None:
    test_qcollator_premises(collator)
    names = generated_names()
    assert len(set(names)) > 3000

    ours = sorted(names, key=lambda name: (sort_key(name), name))

    def qt_compare(a: str, b: str) -> int:
        return word_by_word(collator, a, b) or (a > b) - (a < b)

    theirs = sorted(names, key=functools.cmp_to_key(qt_compare))

    disagreements = [
        (a, b) for a, b in itertools.pairwise(ours) if word_by_word(collator, a, b) > 0
    ]
    assert disagreements == [], f"{len(disagreements)} pairs, first: {disagreements[:10]}"
    assert ours == theirs


def test_equal_keys_are_equal_for_qcollator_too(collator: QCollator) -> None:
    names = generated_names()
    by_key: dict[str, set[str]] = {}
    for name in names:
        by_key.setdefault(sort_key(name), set()).add(name)
    for group in by_key.values():
        first, *rest = sorted(group)
        for other in rest:
            assert word_by_word(collator, first, other) == 0, (first, other)
