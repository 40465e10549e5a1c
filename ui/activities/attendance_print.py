"""The attendance sheet (before a meeting) and the record (after it) of one activity, as PDF."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from models import clock
from models.activities.service import get_activity, roster
from models.catalogues.documents import issuer_lines
from models.catalogues.settings import load_settings
from models.labels import ATTENDANCE
from models.store.entities import AttendanceState
from models.text.vntext import fold
from reports.documents.attendance import (
    AttendanceSheetData,
    MeetingRecordData,
    Person,
    attendance_sheet_pdf,
    meeting_record_pdf,
)
from reports.layout.party_doc import Margins


def attendance_pdf(factory: sessionmaker[Session], activity_id: int, folder: Path, *,
                   record: bool, today: date | None = None) -> tuple[Path, str, str]:
    """Write the sheet or the record into ``folder``: (file, suggested name, window title)."""
    today = today or clock.today()
    activity = get_activity(factory, activity_id)
    issuer = issuer_lines(factory, activity.cell_id, activity.date)
    settings = load_settings(factory)
    margins = Margins(*settings.margins_mm)
    people = tuple(
        Person(full_name=line.full_name, birth_text=line.birth_text,
               workplace=line.workplace_org,
               state_label="" if line.state == AttendanceState.INVITED
               else ATTENDANCE[AttendanceState(line.state)],
               note=line.note)
        for line in roster(factory, activity_id))
    stem = fold(f"{activity.date.isoformat()} {activity.title}").replace(" ", "-")[:60]
    if record:
        record_data = MeetingRecordData(
            issuer=issuer, number=None, printed_on=today, activity_date=activity.date,
            activity_title=activity.title, kind_label=activity.kind_label,
            place=activity.place, cell_name=activity.cell_name, content=activity.content,
            people=people, chair=issuer.signer_name)
        name = f"bien-ban-{stem}.pdf"
        meeting_record_pdf(record_data, folder / name, margins=margins)
        return folder / name, name, "Biên bản sinh hoạt"
    sheet = AttendanceSheetData(
        issuer=issuer, number=None, printed_on=today, activity_date=activity.date,
        activity_title=activity.title, kind_label=activity.kind_label, place=activity.place,
        cell_name=activity.cell_name, people=people)
    name = f"danh-sach-ky-{stem}.pdf"
    attendance_sheet_pdf(sheet, folder / name, margins=margins)
    return folder / name, name, "Danh sách ký dự sinh hoạt"
