"""ORM entities of the register (SQLAlchemy 2 typed mapping).

Everything that can change over time is dated: a member's membership (received / closed), status
changes, cell assignments and excused periods, and the issuers' header lines.  The member row also
carries the *current* cell, status and excused flag, denormalised from those dated rows, because the
list of 100,000 members filters and sorts on them.  Services keep both in step.

Stable ids (UUIDs) on the ward, members, cells, organisations, activities and sheets let a ward, the
town committee and a coal company exchange data without retyping.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

from models import clock

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_uuid() -> str:
    return str(uuid.uuid4())


def now() -> datetime:
    return clock.now()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Versioned:
    """A record people edit at the same time from several PCs: its ``version`` counts the
    writes.  The ORM adds ``WHERE version = <the version it loaded>`` to every UPDATE and bumps
    it, so a write made from stale data changes nothing and fails (``StaleDataError``) instead
    of overwriting; the services also compare it with the version a form read
    (``models.sharing.stale``).  Rows inserted without the ORM start at 1 (the column's
    default)."""

    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, object]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class Sex(StrEnum):
    MALE = "M"
    FEMALE = "F"


class MemberStatus(StrEnum):
    ACTIVE = "active"
    MOVED_AWAY = "moved_away"
    TRANSFERRED_OUT = "transferred_out"
    RETIRED_TO_CELL = "retired_to_cell"
    DECEASED = "deceased"


class ActivityKind(StrEnum):
    PERIODIC = "periodic"
    THEMATIC = "thematic"
    RESIDENTS = "residents"
    MOVEMENT = "movement"
    OTHER = "other"


class ActivityStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"


class AttendanceState(StrEnum):
    INVITED = "invited"
    PRESENT = "present"
    EXCUSED = "excused"
    ABSENT = "absent"


class SheetStatus(StrEnum):
    DRAFT = "draft"
    FINISHED = "finished"
    PRINTED = "printed"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"


class Proposal(StrEnum):
    PRAISE = "praise"
    NONE = "none"
    DISCIPLINE = "discipline"


class Ward(Versioned, Base):
    """The ward party committee that owns this database (one row)."""

    __tablename__ = "ward"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    committee_name: Mapped[str] = mapped_column(String(200))  # Đảng ủy phường Mạo Khê
    party_org_name: Mapped[str] = mapped_column(String(200))  # Đảng bộ phường Mạo Khê
    parent_name: Mapped[str] = mapped_column(String(200))  # Đảng bộ thành phố Đông Triều
    place_name: Mapped[str] = mapped_column(String(100))  # Đông Triều
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class Setting(Versioned, Base):
    """One typed setting (declared in models.catalogues.settings), stored as JSON text."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Regulation(Versioned, Base):
    """The regulation in force from a year on; decides the legal-basis line printed on forms."""

    __tablename__ = "regulation"

    id: Mapped[int] = mapped_column(primary_key=True)
    from_year: Mapped[int] = mapped_column(Integer, unique=True)
    code: Mapped[str] = mapped_column(String(50))  # 213-QĐ/TW
    basis_line: Mapped[str] = mapped_column(Text)


class Cell(Versioned, Base):
    """A residence cell (chi bộ nơi cư trú) of the ward."""

    __tablename__ = "residence_cell"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    name: Mapped[str] = mapped_column(String(200))  # Chi bộ khu 5
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    area: Mapped[str] = mapped_column(String(200), default="")  # Khu 5
    secretary_name: Mapped[str] = mapped_column(String(200), default="")
    front_head_name: Mapped[str] = mapped_column(String(200), default="")
    has_committee: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class WorkplaceOrg(Versioned, Base):
    """A workplace party organisation (tổ chức đảng nơi công tác) the comments are sent to."""

    __tablename__ = "workplace_org"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    name: Mapped[str] = mapped_column(String(200))  # Đảng ủy Công ty Than Mạo Khê
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    parent_name: Mapped[str] = mapped_column(String(200), default="")  # Đảng bộ Tập đoàn TKV
    company: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    contact: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("workplace_org.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class Issuer(Base):
    """Who issues documents: the ward committee (cell_id NULL) or one residence cell."""

    __tablename__ = "issuer"

    id: Mapped[int] = mapped_column(primary_key=True)
    cell_id: Mapped[int | None] = mapped_column(ForeignKey("residence_cell.id"), unique=True)
    versions: Mapped[list[IssuerVersion]] = relationship(
        back_populates="issuer", order_by="IssuerVersion.valid_from"
    )


class IssuerVersion(Versioned, Base):
    """The header lines, number suffix and signer of an issuer, valid from a date."""

    __tablename__ = "issuer_version"
    __table_args__ = (UniqueConstraint("issuer_id", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("issuer.id"))
    valid_from: Mapped[date] = mapped_column(Date)
    parent_line: Mapped[str] = mapped_column(String(200))  # ĐẢNG BỘ PHƯỜNG MẠO KHÊ
    name_line: Mapped[str] = mapped_column(String(200))  # CHI BỘ KHU 5
    number_suffix: Mapped[str] = mapped_column(String(20))  # CB / ĐU
    signer_title: Mapped[str] = mapped_column(String(100))  # T/M CHI ỦY
    signer_role: Mapped[str] = mapped_column(String(100))  # BÍ THƯ
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    issuer: Mapped[Issuer] = relationship(back_populates="versions")


class Member(Versioned, Base):
    """A working party member keeping contact with the residence (đảng viên 213)."""

    __tablename__ = "member"
    __table_args__ = (
        # covering index of the list: Vietnamese order, search key and archived flag in one scan
        Index("ix_member_sort", "sort_key", "id", "name_key", "archived"),
        Index("ix_member_name_birth", "name_key", "birth_year"),
        # one member per card number and per citizen ID, whichever path writes (migration 0005);
        # an empty number is stored as NULL, which a unique index lets repeat on every database
        Index("uq_member_card_number", "card_number", unique=True,
              sqlite_where=text("card_number IS NOT NULL AND card_number <> ''")),
        Index("uq_member_citizen_id", "citizen_id", unique=True,
              sqlite_where=text("citizen_id IS NOT NULL AND citizen_id <> ''")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    # identity
    full_name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))  # accent-folded, lower case
    sort_key: Mapped[str] = mapped_column(String(1000))  # Vietnamese collation key (digits)
    sex: Mapped[str] = mapped_column(String(1))  # Sex
    birth_date: Mapped[date | None] = mapped_column(Date)  # NULL when only the year is known
    birth_year: Mapped[int] = mapped_column(Integer)
    ethnicity: Mapped[str] = mapped_column(String(50), default="Kinh")
    citizen_id: Mapped[str | None] = mapped_column(String(12))
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    # party data
    card_number: Mapped[str | None] = mapped_column(String(8))
    party_file_number: Mapped[str | None] = mapped_column(String(10))
    join_date: Mapped[date | None] = mapped_column(Date)
    official_date: Mapped[date | None] = mapped_column(Date)  # NULL: probationary (dự bị)
    # workplace
    workplace_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("workplace_org.id"), index=True
    )
    workplace_cell: Mapped[str] = mapped_column(String(200), default="")
    employer_unit: Mapped[str] = mapped_column(String(200), default="")
    job_title: Mapped[str] = mapped_column(String(200), default="")
    # residence
    address: Mapped[str] = mapped_column(String(300), default="")
    cell_id: Mapped[int | None] = mapped_column(ForeignKey("residence_cell.id"), index=True)
    # introduction letter (mẫu 1-213) and membership
    letter_number: Mapped[str] = mapped_column(String(50), default="")
    letter_date: Mapped[date | None] = mapped_column(Date)
    letter_issuer: Mapped[str] = mapped_column(String(200), default="")
    received_date: Mapped[date | None] = mapped_column(Date)
    receipt_code: Mapped[str | None] = mapped_column(String(50))  # "12-PTN/ĐU", kept on reprint
    receipt_date: Mapped[date | None] = mapped_column(Date)  # the slip's date, kept with its code
    closed_date: Mapped[date | None] = mapped_column(Date)
    # current state, denormalised from the dated rows below
    status: Mapped[str] = mapped_column(String(20), default=MemberStatus.ACTIVE, index=True)
    excused: Mapped[bool] = mapped_column(Boolean, default=False)
    excused_reason: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)

    workplace_org: Mapped[WorkplaceOrg | None] = relationship()
    cell: Mapped[Cell | None] = relationship()


class MemberStatusChange(Base):
    """A dated change of a member's status; the history is never rewritten."""

    __tablename__ = "member_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class CellAssignment(Base):
    """The member belonged to a residence cell from start_date to end_date (open when NULL)."""

    __tablename__ = "cell_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("residence_cell.id"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)


class ExcusedPeriod(Base):
    """Excused from residence activities (miễn sinh hoạt nơi cư trú) for a dated period."""

    __tablename__ = "excused_period"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(300), default="")


class Activity(Versioned, Base):
    """A cell's (or, with cell_id NULL, the whole ward's) meeting or activity."""

    __tablename__ = "activity"
    __table_args__ = (Index("ix_activity_date_cell", "date", "cell_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    date: Mapped[date] = mapped_column(Date)
    cell_id: Mapped[int | None] = mapped_column(ForeignKey("residence_cell.id"))
    kind: Mapped[str] = mapped_column(String(20))  # ActivityKind
    title: Mapped[str] = mapped_column(String(300))
    place: Mapped[str] = mapped_column(String(300), default="")
    content: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=ActivityStatus.PLANNED)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)


class Attendance(Base):
    """One invited member of one activity, and whether they came."""

    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("activity_id", "member_id"),
        # counts per activity and state read from the index alone (the activity list)
        Index("ix_attendance_activity_state", "activity_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default=AttendanceState.INVITED)
    note: Mapped[str] = mapped_column(String(300), default="")
    # a Versioned column, checked and bumped by the roll call's own statement
    # (models.activities.service.save_roll_call): the ORM's check would write a meeting's
    # thousands of rows one statement each instead of in one batch
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class CommentRound(Base):
    """The yearly comment round: who is on the list on the reference date, and the deadline."""

    __tablename__ = "comment_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    reference_date: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date | None] = mapped_column(Date)


class RoundDeadline(Base):
    """A workplace organisation's own deadline for a round, overriding the round's."""

    __tablename__ = "round_deadline"
    __table_args__ = (UniqueConstraint("round_id", "workplace_org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("comment_round.id"))
    workplace_org_id: Mapped[int] = mapped_column(ForeignKey("workplace_org.id"))
    deadline: Mapped[date] = mapped_column(Date)


class CommentSheet(Versioned, Base):
    """One yearly (or one-off) comment sheet; keeps a snapshot of everything it prints."""

    __tablename__ = "comment_sheet"
    __table_args__ = (
        UniqueConstraint("round_id", "member_id"),
        Index("ix_comment_sheet_year_status", "year", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    year: Mapped[int] = mapped_column(Integer)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("comment_round.id"))
    reason: Mapped[str] = mapped_column(String(300), default="")  # one-off sheets only
    status: Mapped[str] = mapped_column(String(20), default=SheetStatus.DRAFT)
    proposal: Mapped[str] = mapped_column(String(20), default=Proposal.NONE)
    items_json: Mapped[str] = mapped_column(Text, default="{}")
    snapshot_json: Mapped[str] = mapped_column(Text, default="{}")
    issuer_id: Mapped[int | None] = mapped_column(ForeignKey("issuer.id"))
    doc_number: Mapped[int | None] = mapped_column(Integer)
    doc_code: Mapped[str | None] = mapped_column(String(50))
    printed_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_date: Mapped[date | None] = mapped_column(Date)
    sent_to_org_id: Mapped[int | None] = mapped_column(ForeignKey("workplace_org.id"))
    acknowledged_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)


class DocumentCounter(Base):
    """Last document number used, per issuer, year and kind of document."""

    __tablename__ = "document_counter"

    issuer_id: Mapped[int] = mapped_column(ForeignKey("issuer.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)  # PNX, PTN, ...
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class ChangeLog(Base):
    """Who changed what, when: one row per changed field (or per created / status event)."""

    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=now)
    user: Mapped[str] = mapped_column(String(100), default="")
    entity: Mapped[str] = mapped_column(String(30))  # member / comment_sheet / attendance
    entity_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))  # create / update
    field: Mapped[str] = mapped_column(String(50), default="")
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")


class ImportRecord(Base):
    """One import of a member list: the file, when, by whom, what it did; undone or not.

    The ``last_*_id`` marks are the highest change-history, attendance and comment-sheet ids when
    the import committed: a row above a mark that concerns one of the import's members is a later
    change, and undoing the import is then refused.
    """

    __tablename__ = "import_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(DateTime, default=now)
    user: Mapped[str] = mapped_column(String(100), default="")
    imported: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    legacy_columns: Mapped[str] = mapped_column(String(500), default="")
    last_change_id: Mapped[int] = mapped_column(Integer, default=0)
    last_attendance_id: Mapped[int] = mapped_column(Integer, default=0)
    last_sheet_id: Mapped[int] = mapped_column(Integer, default=0)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)
    undone_by: Mapped[str] = mapped_column(String(100), default="")


class ImportRecordMember(Base):
    """A member an import created ("create") or updated ("update", with the replaced values as
    JSON).  member_id has no foreign key: the line outlives the member when the import is undone."""

    __tablename__ = "import_record_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_record_id: Mapped[int] = mapped_column(ForeignKey("import_record.id"), index=True)
    member_id: Mapped[int] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(10))
    old_values: Mapped[str] = mapped_column(Text, default="")


class WardReport(Base):
    """A ward's yearly summary package, imported by the town committee (exchange).  Kept apart
    from the register: a ward's members never become members of this database."""

    __tablename__ = "ward_report"
    __table_args__ = (UniqueConstraint("ward_uuid", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ward_uuid: Mapped[str] = mapped_column(String(36))
    year: Mapped[int] = mapped_column(Integer)
    committee_name: Mapped[str] = mapped_column(String(200))  # Đảng ủy phường Mạo Khê
    party_org_name: Mapped[str] = mapped_column(String(200))  # Đảng bộ phường Mạo Khê
    parent_name: Mapped[str] = mapped_column(String(200), default="")
    package_created_at: Mapped[datetime] = mapped_column(DateTime)
    file_name: Mapped[str] = mapped_column(String(300), default="")
    package_sha256: Mapped[str] = mapped_column(String(64), default="")
    figures_json: Mapped[str] = mapped_column(Text, default="{}")
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    imported_by: Mapped[str] = mapped_column(String(100), default="")


class WardReportMember(Base):
    """One line of the member list in a ward's summary package (plain text, as the ward sent it)."""

    __tablename__ = "ward_report_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("ward_report.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    member_uuid: Mapped[str] = mapped_column(String(36), default="")
    full_name: Mapped[str] = mapped_column(String(200))
    sort_key: Mapped[str] = mapped_column(String(1000), default="")
    birth_date: Mapped[date | None] = mapped_column(Date)
    birth_year: Mapped[int] = mapped_column(Integer, default=0)
    sex: Mapped[str] = mapped_column(String(1), default="")
    join_date: Mapped[date | None] = mapped_column(Date)
    job: Mapped[str] = mapped_column(String(400), default="")
    party_unit: Mapped[str] = mapped_column(String(400), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    cell: Mapped[str] = mapped_column(String(200), default="")
    workplace_org: Mapped[str] = mapped_column(String(200), default="")
    received_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=MemberStatus.ACTIVE)
    excused: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
