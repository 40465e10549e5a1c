"""The editable defaults of a comment sheet: the seven items' titles and texts, with the tokens
that prefill the facts, and which signers appear.

Items 3–5 prefill the member's participation, so their texts have cases, each a line starting
with its marker: [chưa được mời] (invited to none), [chưa có mặt] (invited, present at none),
[có mặt một phần] (present at some) and [có mặt đủ] (present at all).  The case the figures fall
in picks the text, so a phrase never contradicts the numbers ("có mặt 0 buổi; thường xuyên giữ
mối liên hệ" cannot be printed).  A text without markers is used whatever the figures; lines
before the first marker serve the cases without a line of their own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

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
from models.sharing.stale import Read, StaleRecord, ensure_current, refuse_stale
from models.store.entities import (
    Setting,
)
from models.text.vntext import clean, fold

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
    ItemTemplate("Tham gia sinh hoạt với chi bộ nơi cư trú", "\n".join((
        "[chưa được mời] Năm {năm} chưa được mời dự buổi sinh hoạt nào của chi bộ.",
        "[chưa có mặt] Năm {năm} được mời dự {được mời} buổi sinh hoạt, chưa có mặt buổi nào.",
        "[có mặt một phần] Năm {năm} được mời dự {được mời} buổi sinh hoạt, có mặt {có mặt} "
        "buổi.",
        "[có mặt đủ] Năm {năm} được mời dự {được mời} buổi sinh hoạt, có mặt đủ {có mặt} buổi."))),
    ItemTemplate("Dự họp tổ dân phố, giữ mối liên hệ với chi ủy, trưởng khu và Ban công tác "
                 "Mặt trận", "\n".join((
                     "[chưa được mời] Năm {năm} chưa được mời dự buổi họp khu dân cư nào.",
                     "[chưa có mặt] Năm {năm} được mời dự {được mời} buổi họp, chưa có mặt buổi "
                     "nào; cần tăng cường giữ mối liên hệ.",
                     "[có mặt một phần] Năm {năm} được mời dự {được mời} buổi họp, có mặt "
                     "{có mặt} buổi; có giữ mối liên hệ.",
                     "[có mặt đủ] Năm {năm} được mời dự {được mời} buổi họp, có mặt đủ {có mặt} "
                     "buổi; thường xuyên giữ mối liên hệ."))),
    ItemTemplate("Tham gia các phong trào, cuộc vận động ở nơi cư trú; chịu sự giám sát của chi "
                 "bộ và nhân dân", "\n".join((
                     "[chưa được mời] Năm {năm} chưa được mời tham gia phong trào, hoạt động "
                     "nào ở nơi cư trú.",
                     "[chưa có mặt] Năm {năm} được mời {được mời} lần, chưa tham gia phong trào, "
                     "hoạt động nào.",
                     "[có mặt một phần] Năm {năm} tham gia: {các phong trào} (có mặt {có mặt} "
                     "trong {được mời} lần được mời).",
                     "[có mặt đủ] Năm {năm} tham gia đủ cả {có mặt} lần được mời: "
                     "{các phong trào}."))),
    ItemTemplate("Đề nghị", ""),
    ItemTemplate("Ý kiến khác", "Không."),
)
# which participation group fills the tokens of items 3, 4 and 5
ITEM_GROUPS = {3: "cell_meetings", 4: "residents", 5: "movements"}
# the texts of items 3–5 before they had cases: a stored template still equal to one of them was
# never edited, and follows the defaults of today
FORMER_DEFAULTS = {
    3: "Năm {năm} được mời dự {được mời} buổi sinh hoạt, có mặt {có mặt} buổi.",
    4: "Năm {năm} được mời dự {được mời} buổi họp, có mặt {có mặt} buổi; "
       "thường xuyên giữ mối liên hệ.",
    5: "Năm {năm} tham gia: {các phong trào}.",
}

# the cases of a participation, and the marker that starts each one's line in a template
NONE_INVITED, NONE_PRESENT, SOME_PRESENT, ALL_PRESENT = (
    "none_invited", "none_present", "some_present", "all_present")
CASE_MARKERS = {NONE_INVITED: "chưa được mời", NONE_PRESENT: "chưa có mặt",
                SOME_PRESENT: "có mặt một phần", ALL_PRESENT: "có mặt đủ"}
_CASE_BY_KEY = {fold(marker): case for case, marker in CASE_MARKERS.items()}
_TOKEN = re.compile("|".join(re.escape(t) for t in (
    "{năm}", "{được mời}", "{có mặt}", "{vắng có lý do}", "{vắng không lý do}",
    "{các phong trào}")))
_MARKER_LINE = re.compile(r"\s*\[([^\]\n]*)\]\s*(.*)", re.DOTALL)


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
        templates = tuple(
            ItemTemplate(t.title, DEFAULT_TEMPLATES[n - 1].text)
            if FORMER_DEFAULTS.get(n) == t.text else t
            for n, t in enumerate(templates, start=1))
        return FormOptions(templates, bool(raw.get("front_signs", True)),
                           bool(raw.get("ward_certifies", True)))
    except (ValueError, TypeError, KeyError, AttributeError):
        return FormOptions()  # a damaged value: the defaults, never a crash


def load_form_options(factory: Factory) -> FormOptions:
    return read_form_options(factory).value


def read_form_options(factory: Factory) -> Read[FormOptions]:
    """The options as the templates dialog reads them, with their version (0: never saved)."""
    with factory() as session:
        row = session.get(Setting, SETTING_KEY)
        return Read(options_in(session), row.version if row is not None else 0)


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
        else:
            message = _cases_error(number, template.text)
            if message:
                errors[f"item{number}"] = message
    return errors


def _markers(text: str) -> list[str]:
    """The bracketed words starting the lines of a text, as written."""
    found = []
    for line in text.splitlines():
        match = _MARKER_LINE.match(line)
        if match:
            found.append(match.group(1))
    return found


def _cases_error(number: int, text: str) -> str | None:
    """Why the cases of an item's text cannot be used, or None."""
    markers = _markers(text)
    unknown = [m for m in markers if fold(m) not in _CASE_BY_KEY]
    if markers and number not in ITEM_GROUPS:
        return (f"Mục {number}: chỉ mục 3, 4, 5 (số buổi tham gia) mới chia trường hợp "
                f"«[{markers[0]}]».")
    if unknown:
        known = ", ".join(f"[{m}]" for m in CASE_MARKERS.values())
        return f"Mục {number}: không hiểu «[{unknown[0]}]» (các trường hợp: {known})."
    sections = case_sections(text)
    if len(sections) > 1 and None not in sections:
        missing = [f"[{CASE_MARKERS[c]}]" for c in CASE_MARKERS if c not in sections]
        if missing:
            return (f"Mục {number}: thiếu trường hợp {', '.join(missing)} (hoặc một dòng chung "
                    "đặt trước các trường hợp).")
    return None


def save_form_options(factory: Factory, options: FormOptions, *,
                      version: int | None = None) -> None:
    """Store the options; ``version``: the one the dialog read (StaleRecord when someone else
    saved the templates since)."""
    errors = validate_form_options(options)
    if errors:
        raise CommentError(" ".join(errors.values()))
    value = json.dumps({
        "templates": [{"title": clean(t.title), "text": clean_text(t.text)}
                      for t in options.templates],
        "front_signs": options.front_signs, "ward_certifies": options.ward_certifies,
    }, ensure_ascii=False)
    def stale(session: Session) -> StaleRecord:
        row = session.get(Setting, SETTING_KEY)
        return StaleRecord("mẫu nội dung phiếu nhận xét", options_in(session),
                           row.version if row is not None else 0)

    def stale_now() -> StaleRecord:
        with factory() as session:
            return stale(session)

    with refuse_stale(stale_now), factory.begin() as session:
        row = session.get(Setting, SETTING_KEY)
        ensure_current(session, row.version if row is not None else 0, version, stale)
        if row is None:
            session.add(Setting(key=SETTING_KEY, value=value))
        else:
            row.value = value


def clean_text(text: str) -> str:
    """Multi-line text: each line cleaned (NFC, spaces), the line breaks kept."""
    lines = [clean(line) for line in (text or "").replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def template_items(options: FormOptions, year: int,
                   snapshot: Mapping[str, Any]) -> list[dict[str, str]]:
    """The seven items from the templates, filled with the figures of a sheet's snapshot; each
    keeps the generated text as 'auto' so that a refresh renews only texts nobody edited."""
    participation = snapshot.get("participation") or {}
    movements = snapshot.get("movements") or []
    items = []
    for number, template in enumerate(options.templates, start=1):
        group = ITEM_GROUPS.get(number)
        counts = participation.get(group, [0, 0, 0, 0]) if group else [0, 0, 0, 0]
        text = fill_template(template.text, year, counts, movements)
        items.append({"title": template.title, "text": text, "auto": text})
    return items


def case_of(invited: int, present: int) -> str:
    """Which case a participation falls in: none invited, none present, some, all."""
    if not invited:
        return NONE_INVITED
    if not present:
        return NONE_PRESENT
    return ALL_PRESENT if present >= invited else SOME_PRESENT


def case_sections(text: str) -> dict[str | None, str]:
    """The text of each case a template writes (None: the lines before the first marker, used
    for the cases without lines of their own)."""
    return dict(_sections(text))


@lru_cache(maxsize=64)  # a round fills the same few templates for every sheet
def _sections(text: str) -> tuple[tuple[str | None, str], ...]:
    sections: dict[str | None, list[str]] = {}
    current: str | None = None
    for line in text.split("\n"):
        match = _MARKER_LINE.match(line)
        case = _CASE_BY_KEY.get(fold(match.group(1))) if match else None
        if match and case is not None:
            current = case
            line = match.group(2)
        sections.setdefault(current, []).append(line)
    texts = {case: "\n".join(lines).strip() for case, lines in sections.items()}
    if len(texts) > 1 and not texts.get(None, "-"):
        del texts[None]  # blank lines before the first marker
    return tuple(texts.items())


def text_for(text: str, invited: int, present: int) -> str:
    """The template's text for the case these figures fall in."""
    sections = dict(_sections(text))
    return sections.get(case_of(invited, present), sections.get(None, ""))


def fill_template(text: str, year: int, counts: Sequence[int], movements: Sequence[str]) -> str:
    """The text of the template's case (see the module) with its tokens replaced: {năm} the
    year; {được mời}, {có mặt}, {vắng có lý do}, {vắng không lý do} the counts (invited,
    present, excused, absent) of the item's kind; {các phong trào} the movements joined, or a
    phrase saying none is recorded."""
    invited, present, excused, absent = [*counts, 0, 0, 0, 0][:4]
    text = text_for(text, invited, present)
    values = {
        "{năm}": str(year), "{được mời}": str(invited), "{có mặt}": str(present),
        "{vắng có lý do}": str(excused), "{vắng không lý do}": str(absent),
        "{các phong trào}": "; ".join(movements) if movements else NO_MOVEMENT,
    }
    return _TOKEN.sub(lambda m: values[m.group(0)], text)
