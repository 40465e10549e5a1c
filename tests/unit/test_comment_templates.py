"""Prefilled texts that follow the facts (issue 16, item 7): items 3–5 have a case for none
invited, none present, some and all, and never contradict the numbers."""

from __future__ import annotations

import json

import pytest

from models.comments.common import SETTING_KEY, CommentError
from models.comments.templates import (
    ALL_PRESENT,
    DEFAULT_TEMPLATES,
    FORMER_DEFAULTS,
    NONE_INVITED,
    NONE_PRESENT,
    SOME_PRESENT,
    FormOptions,
    ItemTemplate,
    case_of,
    fill_template,
    load_form_options,
    save_form_options,
    validate_form_options,
)
from models.store.db import Database
from models.store.entities import Setting

MOVEMENTS = ["Trồng cây đầu xuân", "Ủng hộ quỹ khuyến học"]


def _filled(item: int, invited: int, present: int) -> str:
    counts = [invited, present, invited - present, 0]
    return fill_template(DEFAULT_TEMPLATES[item - 1].text, 2026, counts,
                         MOVEMENTS[:present] if item == 5 else [])


def test_the_cases() -> None:
    assert case_of(0, 0) == NONE_INVITED
    assert case_of(3, 0) == NONE_PRESENT
    assert case_of(3, 2) == SOME_PRESENT
    assert case_of(3, 3) == ALL_PRESENT


@pytest.mark.parametrize("item", [3, 4, 5])
def test_default_texts_never_contradict_the_numbers(item: int) -> None:
    for invited in range(4):
        for present in range(invited + 1):
            text = _filled(item, invited, present)
            assert text.startswith("Năm 2026 "), text
            assert "{" not in text and "[" not in text, text
            assert "có mặt 0" not in text and " 0 buổi" not in text, text
            if invited:
                assert str(invited) in text, text
            else:
                assert "chưa được mời" in text, text
            if invited and not present:
                assert "chưa" in text, text
            # only a member present every time reads "thường xuyên"/"đầy đủ"/"đủ"
            praise = any(w in text for w in ("thường xuyên", "đầy đủ", " đủ "))
            assert praise == (invited > 0 and present == invited), text


def test_the_reported_contradiction_is_gone() -> None:
    text = _filled(4, 2, 0)
    assert text == ("Năm 2026 được mời dự 2 buổi họp, chưa có mặt buổi nào; cần tăng cường "
                    "giữ mối liên hệ.")
    assert _filled(4, 2, 2) == ("Năm 2026 được mời dự 2 buổi họp, có mặt đủ 2 buổi; thường "
                                "xuyên giữ mối liên hệ.")
    assert _filled(5, 2, 1) == ("Năm 2026 tham gia: Trồng cây đầu xuân (có mặt 1 trong 2 lần "
                                "được mời).")


def test_a_users_cases_markers_without_accents_and_a_shared_line() -> None:
    text = "Năm {năm}: được mời {được mời}.\n[co mat du] Năm {năm}: dự đủ {có mặt} buổi."
    assert fill_template(text, 2026, [2, 2, 0, 0], []) == "Năm 2026: dự đủ 2 buổi."
    # the cases without a line of their own take the line before the markers
    assert fill_template(text, 2026, [2, 1, 1, 0], []) == "Năm 2026: được mời 2."
    assert fill_template(text, 2026, [0, 0, 0, 0], []) == "Năm 2026: được mời 0."
    # a text without markers is the same whatever the figures
    assert fill_template("Tốt.", 2026, [0, 0, 0, 0], []) == "Tốt."


def test_cases_that_cannot_be_used_are_refused() -> None:
    def with_item(number: int, text: str) -> FormOptions:
        templates = list(DEFAULT_TEMPLATES)
        templates[number - 1] = ItemTemplate(templates[number - 1].title, text)
        return FormOptions(tuple(templates))

    assert validate_form_options(FormOptions()) == {}
    unknown = validate_form_options(with_item(3, "[có mặt nhiều] Tốt."))
    assert "«[có mặt nhiều]»" in unknown["item3"] and "[có mặt đủ]" in unknown["item3"]
    missing = validate_form_options(with_item(4, "[chưa được mời] A.\n[có mặt đủ] B."))
    assert "[chưa có mặt]" in missing["item4"] and "[có mặt một phần]" in missing["item4"]
    assert validate_form_options(with_item(4, "Chung.\n[có mặt đủ] B.")) == {}
    assert "chỉ mục 3, 4, 5" in validate_form_options(with_item(1, "[có mặt đủ] Tốt."))["item1"]


def test_saved_templates_keep_their_cases(db: Database) -> None:
    f = db.session_factory
    save_form_options(f, FormOptions())
    assert load_form_options(f).templates == DEFAULT_TEMPLATES
    templates = list(DEFAULT_TEMPLATES)
    templates[2] = ItemTemplate("Sinh hoạt", "[chưa được mời] X.\n[có mặt đủ] Y.")
    with pytest.raises(CommentError, match="Mục 3: thiếu trường hợp"):
        save_form_options(f, FormOptions(tuple(templates)))


def test_a_former_default_never_edited_follows_todays(db: Database) -> None:
    """A database whose templates were saved before the cases existed: the untouched default
    of item 4 (the one that said "có mặt 0 buổi; thường xuyên giữ mối liên hệ") is replaced,
    an edited text is kept."""
    f = db.session_factory
    stored = [{"title": t.title, "text": t.text} for t in DEFAULT_TEMPLATES]
    stored[3]["text"] = FORMER_DEFAULTS[4]
    stored[2]["text"] = FORMER_DEFAULTS[3] + " Tích cực."
    with f.begin() as session:
        session.add(Setting(key=SETTING_KEY, value=json.dumps(
            {"templates": stored, "front_signs": True, "ward_certifies": True})))
    templates = load_form_options(f).templates
    assert templates[3].text == DEFAULT_TEMPLATES[3].text
    assert templates[2].text == FORMER_DEFAULTS[3] + " Tích cực."
