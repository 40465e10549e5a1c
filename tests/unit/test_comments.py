"""The yearly comment round on the hand-built register of test_activities.

On the reference date 30/11/2026 the list holds, in Vietnamese order: Trần Văn An, Nguyễn Thị
Ánh (her excused period ended 01/08), Lê Văn Bình, Bùi Văn Giang (khu 5), Đặng Văn Hải, Ngô Văn
Lâm (khu 6).  Hoàng Thị Hoa is excused on that day, Cường and Dung moved away, Khoa is archived.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from models.activities.service import ActivityInput, add_activity, save_attendance
from models.comments.common import ITEMS, CommentError
from models.comments.deadlines import days_left_text, deadlines, set_deadline
from models.comments.printing import mark_printed, prepare_print
from models.comments.rounds import create_one_off, create_round, refresh_drafts, round_progress
from models.comments.sheets import get_sheet, list_sheets, save_sheet, set_status
from models.comments.templates import (
    FormOptions,
    ItemTemplate,
    fill_template,
    load_form_options,
    save_form_options,
)
from models.register.rules import MemberInput
from models.register.service import add_member, update_member
from models.store.db import Database
from models.store.entities import ChangeLog, CommentSheet, Member
from reports.print_jobs import print_sheets
from tests.conftest import on_both_databases
from tests.unit.test_activities import Register, build

db = on_both_databases()

ROUND = ["Trần Văn An", "Nguyễn Thị Ánh", "Lê Văn Bình", "Bùi Văn Giang", "Đặng Văn Hải",
         "Ngô Văn Lâm"]
ROOT = Path(__file__).resolve().parents[2]


def activities(db: Database, r: Register) -> None:
    """Khu 5 in 2026: two periodic meetings, a residents' meeting, two movements, all held,
    and a planned meeting in December that must not count."""
    f = db.session_factory
    today = date(2026, 11, 26)

    def held(day: date, kind: str, title: str, cell: int | None = None) -> int:
        return add_activity(f, ActivityInput(day, r.c5 if cell is None else cell, kind, title,
                                             status="held"), today=today)

    p1 = held(date(2026, 3, 15), "periodic", "Sinh hoạt quý I")
    p2 = held(date(2026, 9, 10), "periodic", "Sinh hoạt quý III")
    r1 = held(date(2026, 6, 1), "residents", "Họp khu dân cư")
    m1 = held(date(2026, 4, 1), "movement", "Trồng cây đầu xuân")
    m2 = held(date(2026, 10, 1), "movement", "Ủng hộ quỹ khuyến học")
    add_activity(f, ActivityInput(date(2026, 12, 20), r.c5, "periodic", "Sinh hoạt cuối năm"),
                 today=today)
    an, binh = r.m["an"], r.m["binh"]
    save_attendance(f, p1, {an: ("present", ""), binh: ("present", "")})
    save_attendance(f, p2, {an: ("absent", ""), binh: ("present", "")})
    save_attendance(f, r1, {an: ("present", "")})
    save_attendance(f, m1, {an: ("present", "")})
    save_attendance(f, m2, {an: ("present", ""), binh: ("excused", "")})


def sheet_of(db: Database, name: str, year: int = 2026) -> int:
    return next(r.id for r in list_sheets(db.session_factory, year) if r.full_name == name)


def test_round_takes_the_list_on_the_reference_date(db: Database) -> None:
    r = build(db)
    result = create_round(db.session_factory, 2026)
    assert (result.created, result.existing, result.excused) == (6, 0, 1)
    assert result.reference_date == date(2026, 11, 30)
    assert result.deadline == date(2026, 12, 15)
    assert [row.full_name for row in list_sheets(db.session_factory, 2026)] == ROUND
    # again: nothing is duplicated
    again = create_round(db.session_factory, 2026)
    assert (again.created, again.existing) == (0, 6)
    with db.session_factory() as s:
        assert s.scalar(select(func.count(CommentSheet.id))) == 6
        # every sheet's creation is in the change history
        assert s.scalar(select(func.count(ChangeLog.id)).where(
            ChangeLog.entity == "comment_sheet", ChangeLog.action == "create")) == 6
    assert r.m["hoa"] not in {row.member_id for row in list_sheets(db.session_factory, 2026)}


def test_round_for_one_cell_then_the_rest(db: Database) -> None:
    r = build(db)
    first = create_round(db.session_factory, 2026, r.c6)
    assert first.created == 2
    assert [x.full_name for x in list_sheets(db.session_factory, 2026)] == ["Đặng Văn Hải",
                                                                            "Ngô Văn Lâm"]
    rest = create_round(db.session_factory, 2026)
    assert (rest.created, rest.existing) == (4, 2)


def test_prefilled_items_count_participation(db: Database) -> None:
    r = build(db)
    activities(db, r)
    create_round(db.session_factory, 2026)
    an = get_sheet(db.session_factory, sheet_of(db, "Trần Văn An"))
    texts = [item.text for item in an.items]
    assert len(texts) == ITEMS
    # each item's text is the case its figures fall in: some present, all present
    assert texts[2] == "Năm 2026 được mời dự 2 buổi sinh hoạt, có mặt 1 buổi."
    assert texts[3] == ("Năm 2026 được mời dự 1 buổi họp, có mặt đủ 1 buổi; "
                        "thường xuyên giữ mối liên hệ.")
    assert texts[4] == ("Năm 2026 tham gia đủ cả 2 lần được mời: Trồng cây đầu xuân; Ủng hộ "
                        "quỹ khuyến học.")
    binh = get_sheet(db.session_factory, sheet_of(db, "Lê Văn Bình"))
    # received 01/03: both periodic meetings; the residents' meeting and both movements
    # invited, present at none (excused from one movement, never marked at the rest)
    assert binh.items[2].text == "Năm 2026 được mời dự 2 buổi sinh hoạt, có mặt đủ 2 buổi."
    assert binh.items[3].text == ("Năm 2026 được mời dự 1 buổi họp, chưa có mặt buổi nào; cần "
                                  "tăng cường giữ mối liên hệ.")
    assert binh.items[4].text == ("Năm 2026 được mời 2 lần, chưa tham gia phong trào, hoạt "
                                  "động nào.")
    assert "thường xuyên" not in binh.items[3].text
    snap = an.snapshot
    assert snap["full_name"] == "Trần Văn An"
    assert snap["org_name"] == "Đảng ủy Công ty Than Mạo Khê"
    assert snap["commenters"] == "Chi ủy Chi bộ khu 5 phối hợp với Ban công tác Mặt trận khu 5"
    assert snap["basis_line"].startswith("Thực hiện Quy định số 213-QĐ/TW")
    assert snap["front_head"] == "Trần Thị Bình"


def test_regulation_follows_the_year(db: Database) -> None:
    build(db)
    create_round(db.session_factory, 2019)
    sheets = list_sheets(db.session_factory, 2019)
    assert sheets  # members received before 30/11/2019 (QĐ 76 up to 2019)
    snap = get_sheet(db.session_factory, sheets[0].id).snapshot
    assert snap["basis_line"].startswith("Thực hiện Quy định số 76-QĐ/TW")


def test_refresh_renews_drafts_only_and_keeps_edits(db: Database) -> None:
    r = build(db)
    create_round(db.session_factory, 2026)
    f = db.session_factory
    an, hai = sheet_of(db, "Trần Văn An"), sheet_of(db, "Đặng Văn Hải")
    texts = [i.text for i in get_sheet(f, an).items]
    texts[0] = "Gương mẫu, nhiệt tình."
    save_sheet(f, an, texts, "praise")
    set_status(f, [hai], "finished")
    # the register changes: new addresses, and a meeting is held
    for member in (r.m["an"], r.m["hai"]):
        from models.register.service import member_input

        data = member_input(f, member)
        update_member(f, member, MemberInput(**{**data.__dict__, "address": "Số 9, khu 5"}),
                      date(2026, 11, 26))
    activities(db, r)
    assert refresh_drafts(f, 2026) == 5  # Hải's finished sheet is left alone
    refreshed = get_sheet(f, an)
    assert refreshed.snapshot["address"] == "Số 9, khu 5"
    assert refreshed.items[0].text == "Gương mẫu, nhiệt tình."  # the edit is kept
    assert refreshed.items[2].text == "Năm 2026 được mời dự 2 buổi sinh hoạt, có mặt 1 buổi."
    assert get_sheet(f, hai).snapshot["address"] != "Số 9, khu 5"


def test_one_off_sheet_also_for_an_excused_member(db: Database) -> None:
    r = build(db)
    f = db.session_factory
    with pytest.raises(CommentError, match="Lý do"):
        create_one_off(f, r.m["hoa"], 2026, "  ")
    sheet_id = create_one_off(f, r.m["hoa"], 2026, "Bổ nhiệm chức vụ mới")
    detail = get_sheet(f, sheet_id)
    assert detail.row.full_name == "Hoàng Thị Hoa"
    assert detail.row.reason == "Bổ nhiệm chức vụ mới"
    # the round still leaves her out, and the one-off sheet stays
    create_round(f, 2026)
    assert [x.full_name for x in list_sheets(f, 2026) if x.reason] == ["Hoàng Thị Hoa"]


def test_status_rules_and_bulk_sent(db: Database) -> None:
    build(db)
    create_round(db.session_factory, 2026)
    f = db.session_factory
    ids = [x.id for x in list_sheets(f, 2026)]
    assert set_status(f, ids[:3], "finished").changed == 3
    # sent needs a print first
    refused = set_status(f, ids[:2], "sent", on=date(2026, 12, 5))
    assert refused.changed == 0
    assert refused.skipped[0] == "Trần Văn An: phiếu chưa in (in trước khi ghi đã gửi)"
    prepare_print(f, ids[:2], date(2026, 12, 5), assign_numbers=True)
    mark_printed(f, ids[:2])
    done = set_status(f, ids[:3], "sent", on=date(2026, 12, 6))
    assert (done.changed, len(done.skipped)) == (2, 1)
    sent = get_sheet(f, ids[0])
    assert sent.row.status == "sent" and sent.row.sent_date == date(2026, 12, 6)
    assert sent.sent_to_org_id == sent.snapshot["org_id"]
    with pytest.raises(CommentError, match="không sửa được"):
        save_sheet(f, ids[0], [i.text for i in sent.items], "none")
    assert set_status(f, ids[:1], "acknowledged", on=date(2026, 12, 20)).changed == 1
    progress = round_progress(f, 2026)
    assert progress.total == 6
    assert progress.by_status == {"acknowledged": 1, "sent": 1, "finished": 1, "draft": 3}
    assert progress.done == 2


def test_numbers_are_given_at_first_print_and_kept(db: Database) -> None:
    build(db)
    create_round(db.session_factory, 2026)
    f = db.session_factory
    ids = [x.id for x in list_sheets(f, 2026)]
    # a draft preview gives no number
    preview = prepare_print(f, ids, date(2026, 12, 5), assign_numbers=False)
    assert all(s.doc_code is None for s in preview)
    first = prepare_print(f, ids, date(2026, 12, 5), assign_numbers=True)
    # print order: by organisation (An's first, the sheets without one last), Vietnamese order
    assert [s.full_name for s in first] == ["Trần Văn An", "Nguyễn Thị Ánh", "Lê Văn Bình",
                                           "Bùi Văn Giang", "Đặng Văn Hải", "Ngô Văn Lâm"]
    codes = {s.full_name: s.doc_code for s in first}
    assert codes["Trần Văn An"] == "1-PNX/CB" and codes["Nguyễn Thị Ánh"] == "2-PNX/CB"
    assert codes["Đặng Văn Hải"] == "1-PNX/CB"  # khu 6 counts on its own
    again = prepare_print(f, list(reversed(ids)), date(2027, 1, 3), assign_numbers=True)
    assert {s.full_name: s.doc_code for s in again} == codes


def test_deadlines_per_organisation(db: Database) -> None:
    build(db)
    f = db.session_factory
    create_round(f, 2026)
    rows = deadlines(f, 2026)
    assert [(d.org_name, d.deadline) for d in rows] == [
        ("Cả đợt", date(2026, 12, 15)), ("Đảng ủy Công ty Than Mạo Khê", date(2026, 12, 15))]
    org_id = rows[1].org_id
    set_deadline(f, 2026, date(2026, 12, 10), org_id)
    assert deadlines(f, 2026)[1].deadline == date(2026, 12, 10)
    assert deadlines(f, 2026)[1].overridden
    with pytest.raises(CommentError, match="trước ngày chốt"):
        set_deadline(f, 2026, date(2026, 11, 1))
    assert days_left_text(date(2026, 12, 15), date(2026, 11, 26)) == "còn 19 ngày"
    assert days_left_text(date(2026, 11, 26), date(2026, 11, 26)) == "hôm nay là hạn"
    assert days_left_text(date(2026, 11, 20), date(2026, 11, 26)) == "quá hạn 6 ngày"


def test_templates_are_editable(db: Database) -> None:
    build(db)
    f = db.session_factory
    options = load_form_options(f)
    templates = list(options.templates)
    templates[2] = ItemTemplate("Sinh hoạt chi bộ",
                                "Được mời {được mời}, có mặt {có mặt}, vắng {vắng không lý do}.")
    save_form_options(f, FormOptions(tuple(templates), front_signs=False, ward_certifies=True))
    with pytest.raises(CommentError, match="Mục 1"):
        save_form_options(f, FormOptions((ItemTemplate("", "x"), *templates[1:])))
    create_round(f, 2026)
    detail = get_sheet(f, sheet_of(db, "Trần Văn An"))
    assert detail.items[2].title == "Sinh hoạt chi bộ"
    assert detail.items[2].text == "Được mời 0, có mặt 0, vắng 0."
    assert detail.snapshot["front_signs"] is False
    assert fill_template("{năm} {lạ}", 2026, [1, 1, 0, 0], []) == "2026 {lạ}"


def test_printed_round_shows_each_member_and_the_choice(db: Database, tmp_path: Path) -> None:
    r = build(db)
    activities(db, r)
    f = db.session_factory
    create_round(f, 2026)
    an = sheet_of(db, "Trần Văn An")
    save_sheet(f, an, [i.text for i in get_sheet(f, an).items], "praise")
    out = tmp_path / "round.pdf"
    ids = [x.id for x in list_sheets(f, 2026)]
    print_sheets(f, ids, out, printed_on=date(2026, 12, 5))
    pages = [p.extract_text() for p in PdfReader(out).pages]
    text = "\n".join(pages)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "Đông Triều, ngày 05 tháng 12 năm 2026" in text
    sheets = [p for p in pages if "Họ và tên:" in p]  # the covering lists have no colon
    assert len(sheets) == len(ROUND)
    for name in ROUND:  # each member's exact name on their own sheet
        assert sum(name in page for page in sheets) == 1, name
    an_page = next(p for p in sheets if "Trần Văn An" in p)
    assert "☒ Biểu dương" in an_page and "☐ Không đề nghị" in an_page
    # the sheet fits one page: the form's arrangement, the year on its own line
    assert "Số 1-PNX/CB" in an_page and "nơi cư trú Năm 2026" in " ".join(an_page.split())
    assert "Kính gửi: Đảng ủy Công ty Than Mạo Khê" in an_page
    assert "DANH SÁCH PHIẾU NHẬN XÉT" in text
    assert all(s.status == "printed" for s in list_sheets(f, 2026))


def test_cli_create_and_print(db: Database, tmp_path: Path) -> None:
    build(db)
    path = db.location  # a file, or the server's URL (the password is in PGPASSWORD)
    db.close()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", path, *args],
                              capture_output=True, text=True, cwd=ROOT, timeout=120)

    created = run("comments", "create", "--year", "2026", "--cell", "chi bo khu 6", "--json")
    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout.splitlines()[-1])["created"] == 2
    assert "Chi bộ khu 6" in created.stdout
    unknown = run("comments", "create", "--year", "2026", "--cell", "khu 9")
    assert unknown.returncode == 1 and "Không có chi bộ «khu 9»" in unknown.stderr
    assert run("comments", "create", "--year", "20x6").returncode == 2
    out = tmp_path / "phieu.pdf"
    printed = run("print", "comments", "--year", "2026", "--out", str(out))
    assert printed.returncode == 0, printed.stderr
    text = "\n".join(p.extract_text() for p in PdfReader(out).pages)
    assert "Đặng Văn Hải" in text and "Ngô Văn Lâm" in text and "Trần Văn An" not in text
    none = run("print", "comments", "--year", "2019", "--out", str(tmp_path / "x.pdf"))
    assert none.returncode == 1 and "chưa có phiếu" in none.stderr


def test_bad_year_and_member(db: Database) -> None:
    build(db)
    with pytest.raises(CommentError, match="Năm"):
        create_round(db.session_factory, 1800)
    with db.session_factory() as s:
        missing = (s.scalar(select(func.max(Member.id))) or 0) + 1
    with pytest.raises(CommentError, match="đảng viên"):
        create_one_off(db.session_factory, missing, 2026, "Khen thưởng")
    new = add_member(db.session_factory, MemberInput(full_name="Lý Thị Mai", sex="F",
                                                     birth_date=date(1990, 1, 1)),
                     date(2026, 11, 26))
    assert new > 0


def test_sheet_belongs_to_the_cell_of_the_reference_date(db: Database) -> None:
    r = build(db)
    f = db.session_factory
    # Bùi Văn Giang was in khu 6 on 30/11/2025 and moved to khu 5 on 10/01/2026
    create_round(f, 2025)
    giang = next(x for x in list_sheets(f, 2025) if x.member_id == r.m["giang"])
    assert giang.cell_name == "Chi bộ khu 6" and giang.cell_id == r.c6
    assert get_sheet(f, giang.id).snapshot["issuer"]["name_line"] == "CHI BỘ KHU 6"
    create_round(f, 2026)
    assert next(x for x in list_sheets(f, 2026)
                if x.member_id == r.m["giang"]).cell_name == "Chi bộ khu 5"


def test_numbers_of_a_print_that_did_not_happen_are_given_back(db: Database) -> None:
    from models.comments.printing import release_numbers, unnumbered

    build(db)
    f = db.session_factory
    create_round(f, 2026)
    khu5 = [x.id for x in list_sheets(f, 2026) if x.cell_name == "Chi bộ khu 5"]
    first, second = khu5[:2], khu5[2:]
    prepare_print(f, first, date(2026, 12, 5), assign_numbers=True)
    mark_printed(f, first)
    assert unnumbered(f, khu5) == second
    prepare_print(f, second, date(2026, 12, 5), assign_numbers=True)
    assert release_numbers(f, second + first) == len(second)  # printed ones keep theirs
    assert unnumbered(f, khu5) == second
    again = prepare_print(f, second, date(2026, 12, 6), assign_numbers=True)
    assert sorted(s.doc_code or "" for s in again) == ["3-PNX/CB", "4-PNX/CB"]
    # numbers taken after them by another print: giving these back would leave a gap
    prepare_print(f, first, date(2026, 12, 6), assign_numbers=True)  # reprint: same numbers
    other = [x.id for x in list_sheets(f, 2026) if x.cell_name == "Chi bộ khu 6"]
    prepare_print(f, other, date(2026, 12, 6), assign_numbers=True)  # khu 6: its own counter
    assert release_numbers(f, second) == 2


def test_refresh_keeps_what_a_numbered_draft_was_given(db: Database) -> None:
    build(db)
    f = db.session_factory
    create_round(f, 2026)
    sheet = sheet_of(db, "Trần Văn An")
    prepare_print(f, [sheet], date(2026, 12, 5), assign_numbers=True)
    before = get_sheet(f, sheet).snapshot
    assert refresh_drafts(f, 2026, [sheet]) == 1
    after = get_sheet(f, sheet)
    assert after.row.doc_code == "1-PNX/CB"
    assert after.snapshot["printed_on"] == before["printed_on"] == "2026-12-05"
    assert after.snapshot["issuer"] == before["issuer"]


def test_deadlines_are_checked_before_any_is_written(db: Database) -> None:
    from models.comments.deadlines import set_deadlines

    build(db)
    f = db.session_factory
    create_round(f, 2026)
    org = deadlines(f, 2026)[1]
    assert org.org_id is not None
    with pytest.raises(CommentError, match=r"Than Mạo Khê.*trước ngày chốt"):
        set_deadlines(f, 2026, date(2026, 12, 20), {org.org_id: date(2026, 11, 2)})
    assert deadlines(f, 2026)[0].deadline == date(2026, 12, 15)  # nothing written
    set_deadlines(f, 2026, date(2026, 12, 20), {org.org_id: date(2026, 12, 10)})
    assert [d.deadline for d in deadlines(f, 2026)] == [date(2026, 12, 20), date(2026, 12, 10)]
