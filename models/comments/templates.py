"""The editable defaults of a comment sheet: the seven items' titles and texts, with the tokens
that prefill the facts, and which signers appear."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from models.comments.common import (
    ITEMS,
    NO_MOVEMENT,
    REASON_MAX,
    SETTING_KEY,
    TEXT_MAX,
    CommentError,
    Factory,
)
from models.store.entities import (
    Setting,
)
from models.text.vntext import clean

# --- templates and form options ------------------------------------------------------------------

@dataclass(frozen=True)
class ItemTemplate:
    title: str
    text: str  # default comment; may hold the TOKENS


DEFAULT_TEMPLATES: tuple[ItemTemplate, ...] = (
    ItemTemplate("Giữ gìn phẩm chất chính trị, đạo đức, lối sống; nêu gương trước nhân dân",
                 "Có lập trường tư tưởng vững vàng, lối sống giản dị, gương mẫu."),
    ItemTemplate("Thực hiện nghĩa vụ công dân và quy định nơi cư trú; vận động gia đình cùng "
                 "thực hiện", "Chấp hành tốt; gia đình đạt danh hiệu gia đình văn hóa."),
    ItemTemplate("Tham gia sinh hoạt với chi bộ nơi cư trú",
                 "Năm {năm} được mời dự {được mời} buổi sinh hoạt, có mặt {có mặt} buổi."),
    ItemTemplate("Dự họp tổ dân phố, giữ mối liên hệ với chi ủy, trưởng khu và Ban công tác "
                 "Mặt trận", "Năm {năm} được mời dự {được mời} buổi họp, có mặt {có mặt} buổi; "
                 "thường xuyên giữ mối liên hệ."),
    ItemTemplate("Tham gia các phong trào, cuộc vận động ở nơi cư trú; chịu sự giám sát của chi "
                 "bộ và nhân dân", "Năm {năm} tham gia: {các phong trào}."),
    ItemTemplate("Đề nghị", ""),
    ItemTemplate("Ý kiến khác", "Không."),
)
# which participation group fills the tokens of items 3, 4 and 5
ITEM_GROUPS = {3: "cell_meetings", 4: "residents", 5: "movements"}


@dataclass(frozen=True)
class FormOptions:
    """The editable defaults of the sheet: item templates and which signers appear."""

    templates: tuple[ItemTemplate, ...] = DEFAULT_TEMPLATES
    front_signs: bool = True  # the head of the Front work committee signs beside the cell
    ward_certifies: bool = True  # the ward committee's certification under the signatures


def options_in(session: Session) -> FormOptions:
    row = session.get(Setting, SETTING_KEY)
    if row is None:
        return FormOptions()
    try:
        raw = json.loads(row.value)
        templates = tuple(ItemTemplate(str(t["title"]), str(t["text"]))
                          for t in raw.get("templates", []))
        if len(templates) != ITEMS:
            templates = DEFAULT_TEMPLATES
        return FormOptions(templates, bool(raw.get("front_signs", True)),
                           bool(raw.get("ward_certifies", True)))
    except (ValueError, TypeError, KeyError, AttributeError):
        return FormOptions()  # a damaged value: the defaults, never a crash


def load_form_options(factory: Factory) -> FormOptions:
    with factory() as session:
        return options_in(session)


def validate_form_options(options: FormOptions) -> dict[str, str]:
    """'item3' → message for every template the user must fix (empty when valid)."""
    errors: dict[str, str] = {}
    if len(options.templates) != ITEMS:
        errors["templates"] = f"Phiếu phải có đúng {ITEMS} mục."
    for number, template in enumerate(options.templates, start=1):
        if not clean(template.title):
            errors[f"item{number}"] = f"Mục {number}: chưa nhập tiêu đề."
        elif len(clean(template.title)) > REASON_MAX:
            errors[f"item{number}"] = f"Mục {number}: tiêu đề quá dài (tối đa {REASON_MAX} ký tự)."
        elif len(template.text) > TEXT_MAX:
            errors[f"item{number}"] = f"Mục {number}: nội dung quá dài (tối đa {TEXT_MAX} ký tự)."
    return errors


def save_form_options(factory: Factory, options: FormOptions) -> None:
    errors = validate_form_options(options)
    if errors:
        raise CommentError(" ".join(errors.values()))
    value = json.dumps({
        "templates": [{"title": clean(t.title), "text": clean_text(t.text)}
                      for t in options.templates],
        "front_signs": options.front_signs, "ward_certifies": options.ward_certifies,
    }, ensure_ascii=False)
    with factory.begin() as session:
        row = session.get(Setting, SETTING_KEY)
        if row is None:
            session.add(Setting(key=SETTING_KEY, value=value))
        else:
            row.value = value


def clean_text(text: str) -> str:
    """Multi-line text: each line cleaned (NFC, spaces), the line breaks kept."""
    lines = [clean(line) for line in (text or "").replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def fill_template(text: str, year: int, counts: Sequence[int], movements: Sequence[str]) -> str:
    """The template with its tokens replaced: {năm} the year; {được mời}, {có mặt},
    {vắng có lý do}, {vắng không lý do} the counts (invited, present, excused, absent) of the
    item's kind; {các phong trào} the movements joined, or a phrase saying none is recorded."""
    invited, present, excused, absent = [*counts, 0, 0, 0, 0][:4]
    values = {
        "{năm}": str(year), "{được mời}": str(invited), "{có mặt}": str(present),
        "{vắng có lý do}": str(excused), "{vắng không lý do}": str(absent),
        "{các phong trào}": "; ".join(movements) if movements else NO_MOVEMENT,
    }
    return re.sub("|".join(re.escape(t) for t in values), lambda m: values[m.group(0)], text)
