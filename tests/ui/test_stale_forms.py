"""Two people editing the same record from two windows (issue 18 item 4): the second save is
refused with "Người khác vừa sửa…", the form keeps what was typed, takes what only the other
changed, shows theirs where both changed, and the next Lưu saves knowingly."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from models.activities.service import (
    ActivityInput,
    add_activity,
    roster,
    save_roll_call,
)
from models.catalogues.settings import load_settings, read_settings, save_settings
from models.comments import sheets
from models.comments.rounds import create_round
from models.register.members import MemberFilter, query_member_ids
from models.register.service import member_edit, member_input, update_member
from models.store.db import Database, open_database
from ui.activities.roster_view import RosterDialog
from ui.comments.comments_view import CommentsView
from ui.register.member_dialog import MemberDialog
from ui.register.members_view import MembersView
from ui.settings.settings_view import SettingsView
from ui.shell import messages
from ui.shell.main_window import MainWindow


@pytest.fixture
def other(demo_db: Database) -> Iterator[Database]:
    """The same register opened by another program (another window, another PC)."""
    database = open_database(demo_db.path)
    yield database
    database.close()


def first_active(db: Database) -> int:
    return query_member_ids(db.session_factory, MemberFilter(status="active"))[0]


@pytest.fixture
def members(qtbot: QtBot, demo_db: Database) -> MembersView:
    """The member list of a window on the register."""
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.show()
    return window.members


def test_a_member_saved_in_another_window_meanwhile(members: MembersView, demo_db: Database,
                                                    other: Database,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    view = members
    member_id = first_active(demo_db)
    before = member_input(demo_db.session_factory, member_id)
    seen: dict[str, Any] = {}

    def edit(dialog: MemberDialog) -> int:
        # the other window saves the member while this one is open: a new address and phone
        theirs = member_edit(other.session_factory, member_id)
        update_member(other.session_factory, member_id,
                      replace(theirs.value, address="Tổ 3, khu 5, Mạo Khê", phone="0911000111"),
                      version=theirs.version)
        dialog.phone.setText("0988777666")  # this user changes the phone too
        dialog.job_title.setText("Tổ trưởng")  # and the job title
        seen["first"] = dialog.save()
        seen["panel"] = dialog.conflict.isVisible() or not dialog.conflict.isHidden()
        seen["text"] = dialog.conflict.text.text()
        seen["line"] = dialog.message_line.text()
        seen["address"] = dialog.address.text()
        seen["phone"] = dialog.phone.text()
        seen["second"] = dialog.save()
        return dialog.result()

    monkeypatch.setattr(MemberDialog, "exec", edit)
    view.edit_member(member_id)
    assert seen["first"] is False and seen["panel"]
    assert "Người khác vừa sửa hồ sơ đảng viên " + before.full_name in seen["text"]
    assert "Đã lấy theo bản mới của họ: Địa chỉ «Tổ 3, khu 5, Mạo Khê»" in seen["text"]
    assert "Cả hai cùng sửa — đang giữ của bạn; bản của họ: Điện thoại «0911000111»" in \
        seen["text"]
    assert seen["line"].startswith("Chưa lưu")
    assert seen["address"] == "Tổ 3, khu 5, Mạo Khê" and seen["phone"] == "0988777666"
    assert seen["second"] is True  # saved knowingly from their version
    stored = member_input(demo_db.session_factory, member_id)
    assert (stored.address, stored.phone, stored.job_title) == (
        "Tổ 3, khu 5, Mạo Khê", "0988777666", "Tổ trưởng")


def test_their_whole_version_can_be_taken_instead(members: MembersView, demo_db: Database,
                                                  other: Database,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    view = members
    member_id = first_active(demo_db)
    seen: dict[str, Any] = {}

    def edit(dialog: MemberDialog) -> int:
        theirs = member_edit(other.session_factory, member_id)
        update_member(other.session_factory, member_id, replace(theirs.value, phone="0911000111"),
                      version=theirs.version)
        dialog.phone.setText("0988777666")
        dialog.save()
        dialog.conflict.theirs_button.click()
        seen["phone"] = dialog.phone.text()
        seen["panel hidden"] = dialog.conflict.isHidden()
        dialog.reject()  # nothing of this user's left to save: closes without asking
        return dialog.result()

    monkeypatch.setattr(MemberDialog, "exec", edit)
    monkeypatch.setattr(messages, "ask_unsaved", lambda *_a: pytest.fail("asked"))
    view.edit_member(member_id)
    assert seen == {"phone": "0911000111", "panel hidden": True}
    assert member_input(demo_db.session_factory, member_id).phone == "0911000111"


@pytest.fixture
def meeting(qtbot: QtBot, demo_db: Database) -> tuple[int, RosterDialog]:
    """A ward-wide meeting held, and its roll call open."""
    activity_id = add_activity(demo_db.session_factory, ActivityInput(
        date(2026, 11, 20), None, "periodic", "Hội nghị đảng viên toàn phường", status="held"))
    dialog = RosterDialog(demo_db.session_factory, activity_id)
    qtbot.addWidget(dialog)
    return activity_id, dialog


def test_a_roll_call_saved_over_another_shows_both_marks(meeting: tuple[int, RosterDialog],
                                                         demo_db: Database, other: Database,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    f = demo_db.session_factory
    activity_id, dialog = meeting
    lines = dialog.model.marks
    a, b, c = (m.line.member_id for m in lines[:3])
    # the other secretary saves marks for A and B from the same roll call
    read = {line.member_id: line.version for line in roster(other.session_factory, activity_id)}
    save_roll_call(other.session_factory, activity_id,
                   {a: ("excused", "Ốm"), b: ("present", "")}, read)
    dialog.model.set_state([0], "present")  # A: this secretary saw A there
    dialog.model.set_state([2], "absent")  # C
    asked: list[str] = []

    def choose(parent: object, title: str, text: str, choices: list[str], **_kw: Any) -> int:
        asked.append(text)
        return 1  # take theirs for the rows in question

    monkeypatch.setattr(messages, "choose", choose)
    assert dialog.save() is True
    assert "Họ đã ghi khác bạn cho 1 người" in asked[0]
    assert f"{lines[0].line.full_name}: họ ghi vắng có lý do, bạn ghi có mặt" in asked[0]
    stored = {line.member_id: (line.state, line.note) for line in roster(f, activity_id)}
    assert stored[a] == ("excused", "Ốm") and stored[b] == ("present", "")
    assert stored[c] == ("absent", "")
    assert not dialog.has_unsaved_changes()


def test_a_roll_call_conflict_can_be_looked_at_first(meeting: tuple[int, RosterDialog],
                                                     demo_db: Database, other: Database,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    f = demo_db.session_factory
    activity_id, dialog = meeting
    a = dialog.model.marks[0].line.member_id
    read = {line.member_id: line.version for line in roster(other.session_factory, activity_id)}
    save_roll_call(other.session_factory, activity_id, {a: ("excused", "Ốm")}, read)
    dialog.model.set_state([0], "present")
    monkeypatch.setattr(messages, "choose", lambda *_a, **_k: None)  # Xem lại
    assert dialog.save() is False
    mark = dialog.model.marks[0]
    assert (mark.state, mark.theirs) == ("present", ("excused", "Ốm"))
    tip = dialog.model.data(dialog.model.index(0, 4), 3)  # ToolTipRole
    assert tip.startswith("Người khác vừa ghi: vắng có lý do — Ốm. Bạn đang ghi: có mặt")
    assert dialog.save() is True  # Lưu again: this secretary's mark, knowingly
    assert roster(f, activity_id)[0].state == "present"


def test_settings_saved_elsewhere_are_merged_into_the_page(qtbot: QtBot, demo_db: Database,
                                                           other: Database,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    page = SettingsView(demo_db.session_factory)
    qtbot.addWidget(page)
    theirs = read_settings(other.session_factory)
    save_settings(other.session_factory, replace(theirs.settings, margin_top=30.0,
                                                 margin_left=40.0), theirs.ward, read=theirs)
    page.margins["margin_top"].setValue(28.0)  # both changed the top margin
    page.margins["margin_bottom"].setValue(27.0)  # only this page the bottom one
    warned: list[str] = []
    monkeypatch.setattr(messages, "warning", lambda _p, _t, text: warned.append(text))
    assert page.save() is False
    assert "Người khác vừa sửa cài đặt" in warned[0] and "Lề trên" in warned[0]
    # the left margin only they changed is taken; the page keeps this user's two
    assert [page.margins[k].value() for k in ("margin_top", "margin_bottom", "margin_left")] \
        == [28.0, 27.0, 40.0]
    assert page.save() is True
    stored = load_settings(demo_db.session_factory)
    assert (stored.margin_top, stored.margin_bottom, stored.margin_left) == (28.0, 27.0, 40.0)


def test_a_comment_sheet_saved_elsewhere_keeps_both_edits(qtbot: QtBot, demo_db: Database,
                                                          other: Database,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    create_round(demo_db.session_factory, 2026)
    view = CommentsView(demo_db.session_factory, today=lambda: date(2026, 11, 26))
    qtbot.addWidget(view)
    view.year.setValue(2026)
    view.reload()
    row = view.current_row()
    assert row is not None
    theirs = sheets.get_sheet(other.session_factory, row.id)
    texts = [item.text for item in theirs.items]
    texts[1] = "Chấp hành tốt quy định nơi cư trú."  # the other secretary: item 2
    sheets.save_sheet(other.session_factory, row.id, texts, "praise", version=theirs.version)
    view.editor.edits[6].setPlainText("Tích cực tham gia phong trào.")  # this one: item 7
    warned: list[str] = []
    monkeypatch.setattr(messages, "warning", lambda _p, _t, text: warned.append(text))
    assert view.save_current() is False
    assert "Đã lấy theo bản của họ: mục 2, mục 6." in warned[0]
    assert view.editor.edits[1].toPlainText() == "Chấp hành tốt quy định nơi cư trú."
    assert view.editor.edits[6].toPlainText() == "Tích cực tham gia phong trào."
    assert view.save_current() is True
    stored = sheets.get_sheet(demo_db.session_factory, row.id)
    assert stored.items[1].text == "Chấp hành tốt quy định nơi cư trú."
    assert stored.items[6].text == "Tích cực tham gia phong trào."
    assert stored.row.proposal == "praise"
