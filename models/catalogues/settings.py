"""The program's settings, the ward's names and the regulation in force by year.

Every setting is declared once, as a field of ``Settings`` carrying its default, its Vietnamese
label and its limits (as MusicBrainz Picard's ``options.py`` declares options); loading, checking,
saving and the settings page all read that one declaration.  Values are stored as JSON text in the
``setting`` table, one row per key; a key that is missing (a new setting, an older database) gives
its default, and a stored value of the wrong type is ignored the same way.
"""

from __future__ import annotations

import dataclasses
import getpass
import json
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.catalogues.ward import WardSetup, party_org_name_for, validate_setup
from models.dates import in_force, year_error
from models.sharing.stale import StaleRecord, ensure_current, refuse_stale
from models.store import history
from models.store.entities import Regulation, Setting, Ward
from models.text.vntext import clean

__all__ = [
    "OPTIONS",
    "Option",
    "RegulationError",
    "RegulationInput",
    "RegulationRow",
    "Settings",
    "SettingsError",
    "SettingsRead",
    "WardNames",
    "delete_regulation",
    "list_regulations",
    "load_settings",
    "load_ward_names",
    "read_settings",
    "regulation_for_year",
    "regulation_in",
    "save_regulation",
    "save_settings",
    "validate_regulation",
    "validate_settings",
    "validate_ward_names",
]


def os_user() -> str:
    """The operating-system login name, the default name written in the change history."""
    try:
        return getpass.getuser()
    except Exception:  # no user name on some locked-down Windows sessions
        return ""


def _option(default: Any, label: str, *, minimum: float | None = None,
            maximum: float | None = None, unit: str = "",
            default_factory: Callable[[], Any] | None = None) -> Any:
    meta = {"label": label, "minimum": minimum, "maximum": maximum, "unit": unit}
    if default_factory is not None:
        return field(default_factory=default_factory, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Settings:
    """All settings with their values; the defaults are the values of a new database."""

    # page margins in mm (DOMAIN.md §3.1: 25/25/35/15 by default, never below 20/20/30/15)
    margin_top: float = _option(25.0, "Lề trên", minimum=20, maximum=80, unit="mm")
    margin_bottom: float = _option(25.0, "Lề dưới", minimum=20, maximum=80, unit="mm")
    margin_left: float = _option(35.0, "Lề trái", minimum=30, maximum=80, unit="mm")
    margin_right: float = _option(15.0, "Lề phải", minimum=15, maximum=80, unit="mm")
    # empty: the "backups" folder next to the database file
    backup_dir: str = _option("", "Thư mục sao lưu")
    # the yearly comment round: who is on the list on this day, and when the sheets are due
    reference_day: int = _option(30, "Ngày chốt danh sách nhận xét", minimum=1, maximum=31)
    reference_month: int = _option(11, "Tháng chốt danh sách nhận xét", minimum=1, maximum=12)
    deadline_day: int = _option(15, "Ngày hạn gửi nhận xét", minimum=1, maximum=31)
    deadline_month: int = _option(12, "Tháng hạn gửi nhận xét", minimum=1, maximum=12)
    # the name written in the change history (who changed what)
    user_name: str = _option(None, "Tên người dùng ghi trong lịch sử thay đổi",
                             default_factory=os_user)

    @property
    def margins_mm(self) -> tuple[float, float, float, float]:
        """(top, bottom, left, right), the order of ``reports.layout.party_doc.Margins``."""
        return (self.margin_top, self.margin_bottom, self.margin_left, self.margin_right)

    def reference_date(self, year: int) -> date:
        """The day the round's list is taken on, in the given year (e.g. 30/11/2026)."""
        return date(year, self.reference_month, self.reference_day)

    def default_deadline(self, year: int) -> date:
        """The round's default deadline: the deadline day on or after the reference date."""
        deadline = date(year, self.deadline_month, self.deadline_day)
        if deadline < self.reference_date(year):
            deadline = date(year + 1, self.deadline_month, self.deadline_day)
        return deadline

    def backup_folder(self, db_path: Path) -> Path:
        return Path(self.backup_dir) if self.backup_dir else db_path.parent / "backups"


@dataclass(frozen=True)
class Option:
    """One declared setting, read from the fields of ``Settings``."""

    key: str
    type: type
    label: str
    minimum: float | None
    maximum: float | None
    unit: str

    def default(self) -> Any:
        return getattr(Settings(), self.key)


def _declared_options() -> tuple[Option, ...]:
    hints = typing.get_type_hints(Settings)
    return tuple(
        Option(key=f.name, type=hints[f.name], label=f.metadata["label"],
               minimum=f.metadata["minimum"], maximum=f.metadata["maximum"],
               unit=f.metadata["unit"])
        for f in dataclasses.fields(Settings)
    )


OPTIONS: tuple[Option, ...] = _declared_options()
OPTION_BY_KEY: dict[str, Option] = {o.key: o for o in OPTIONS}


class SettingsError(ValueError):
    """Settings refused; ``errors`` maps each field to its Vietnamese message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = dict(errors)


def _number(value: Any) -> str:
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text.replace(".", ",")


def _coerce(option: Option, value: Any) -> Any:
    """The value in the option's type, or raise ValueError / TypeError."""
    if option.type is str:
        if not isinstance(value, str):
            raise TypeError(value)
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(value)
    if option.type is int:
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(value)
        return int(value)
    return float(value)


def _validate_option(option: Option, value: Any) -> str | None:
    try:
        value = _coerce(option, value)
    except (TypeError, ValueError):
        return f"{option.label}: giá trị không hợp lệ."
    unit = f" {option.unit}" if option.unit else ""
    if option.minimum is not None and value < option.minimum:
        return f"{option.label} không được nhỏ hơn {_number(option.minimum)}{unit}."
    if option.maximum is not None and value > option.maximum:
        return f"{option.label} không được lớn hơn {_number(option.maximum)}{unit}."
    return None


def _as_mapping(values: Settings | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(values, Settings):
        return dataclasses.asdict(values)
    return dict(values)


def _day_month_error(day: Any, month: Any, what: str) -> str | None:
    try:
        date(2001, int(month), int(day))  # not a leap year: 29/02 does not come every year
    except (TypeError, ValueError):
        return f"{what}: ngày {day}/{month} không có trong năm."
    return None


def validate_settings(values: Settings | Mapping[str, Any]) -> dict[str, str]:
    """Field -> Vietnamese message; empty when the values may be saved.

    ``values`` is a whole ``Settings`` or a mapping of some keys (the rest are not checked).
    """
    mapping = _as_mapping(values)
    errors: dict[str, str] = {}
    for key, value in mapping.items():
        option = OPTION_BY_KEY.get(key)
        if option is None:
            errors[key] = f"Không có mục cài đặt «{key}»."
            continue
        message = _validate_option(option, value)
        if message:
            errors[key] = message
    if "user_name" in mapping and "user_name" not in errors:
        user_name = clean(mapping["user_name"])
        if not user_name:
            errors["user_name"] = "Chưa nhập tên người dùng ghi trong lịch sử thay đổi."
        elif len(user_name) > 100:
            errors["user_name"] = "Tên người dùng dài quá 100 ký tự."
    if "backup_dir" in mapping and "backup_dir" not in errors:
        folder = clean(mapping["backup_dir"])
        if folder and not Path(folder).is_absolute():
            errors["backup_dir"] = "Thư mục sao lưu phải là đường dẫn đầy đủ (ví dụ D:\\SaoLuu)."
    for day_key, month_key, what in (
        ("reference_day", "reference_month", "Ngày chốt danh sách nhận xét"),
        ("deadline_day", "deadline_month", "Hạn gửi nhận xét"),
    ):
        if day_key in mapping and month_key in mapping and not (
                {day_key, month_key} & errors.keys()):
            message = _day_month_error(mapping[day_key], mapping[month_key], what)
            if message:
                errors[day_key] = message
    return errors


def load_settings(factory: sessionmaker[Session]) -> Settings:
    """The stored settings; defaults for keys never saved (or stored with a wrong value)."""
    with factory() as session:
        return _load_in(session)


def _load_in(session: Session) -> Settings:
    stored = {row.key: row.value for row in session.scalars(select(Setting))}
    values: dict[str, Any] = {}
    for option in OPTIONS:
        if option.key not in stored:
            continue
        try:
            value = _coerce(option, json.loads(stored[option.key]))
        except (TypeError, ValueError):
            continue  # a value this version cannot read: keep the default
        if _validate_option(option, value) is None:
            values[option.key] = value
    return Settings(**values)


def _clean_value(option: Option, value: Any) -> Any:
    value = _coerce(option, value)
    return clean(value) if option.type is str else value


@dataclass(frozen=True)
class WardNames:
    """The ward's names as the settings page edits them (the party organisation is derived)."""

    committee_name: str  # Đảng ủy phường Mạo Khê
    parent_name: str  # Đảng bộ thành phố Đông Triều
    place_name: str  # Đông Triều

    @property
    def party_org_name(self) -> str:
        return party_org_name_for(self.committee_name)


def validate_ward_names(names: WardNames) -> dict[str, str]:
    """The first-run assistant's rules for the same three fields (one source of truth)."""
    return validate_setup(WardSetup(committee_name=names.committee_name,
                                    parent_name=names.parent_name, place_name=names.place_name))


def load_ward_names(factory: sessionmaker[Session]) -> WardNames | None:
    with factory() as session:
        ward = session.scalars(select(Ward)).first()
        if ward is None:
            return None
        return WardNames(ward.committee_name, ward.parent_name, ward.place_name)


@dataclass(frozen=True)
class SettingsRead:
    """The settings page as it was read: the values, the ward's names, and the version of
    every stored row (0 for a key never saved), so a save can tell its own changes from
    someone else's."""

    settings: Settings
    ward: WardNames | None
    versions: Mapping[str, int]
    ward_version: int


def read_settings(factory: sessionmaker[Session]) -> SettingsRead:
    with factory() as session:
        return _read_in(session)


def _read_in(session: Session) -> SettingsRead:
    versions = {row.key: row.version for row in session.scalars(select(Setting))}
    ward = session.scalars(select(Ward)).first()
    names = WardNames(ward.committee_name, ward.parent_name, ward.place_name) if ward else None
    return SettingsRead(_load_in(session), names, versions, ward.version if ward else 0)


WARD_FIELDS = {"committee_name": "Tên đảng ủy", "parent_name": "Cấp trên",
               "place_name": "Địa danh ghi trên văn bản"}


def save_settings(factory: sessionmaker[Session], values: Settings | Mapping[str, Any],
                  ward: WardNames | None = None, *, read: SettingsRead | None = None) -> Settings:
    """Save the settings (a whole ``Settings`` or some keys) and the ward's names, in one
    transaction; raise ``SettingsError`` with every message when anything is invalid.

    ``read``: the page as it was read.  Only what the user changed since is written, so a
    setting someone else saved meanwhile and this user left alone keeps their value; one both
    changed, to different values, is refused (StaleRecord, with the page as stored now).
    The ward's issuer header lines are dated and are not touched here: a new version is added in
    the catalogue of issuers.  The user name is applied to the change history at once.
    """
    errors = validate_settings(values)
    if ward is not None:
        errors.update(validate_ward_names(ward))
    if errors:
        raise SettingsError(errors)
    mapping = _as_mapping(values)
    if read is not None:
        before = dataclasses.asdict(read.settings)
        mapping = {k: v for k, v in mapping.items() if v != before.get(k)}

    def stale(session: Session, clashes: Sequence[str]) -> StaleRecord:
        labels = ", ".join(clashes)
        return StaleRecord("cài đặt", _read_in(session), 0,
                           detail=f"Cùng sửa: {labels}." if labels else "")

    def stale_now() -> StaleRecord:
        with factory() as session:
            return stale(session, ())

    with refuse_stale(stale_now), factory.begin() as session:
        stored = {row.key: row for row in session.scalars(select(Setting))}
        clashes: list[str] = []
        texts: dict[str, str] = {}
        for key, value in mapping.items():
            text = json.dumps(_clean_value(OPTION_BY_KEY[key], value), ensure_ascii=False)
            texts[key] = text
            row = stored.get(key)
            if read is not None and (row.version if row else 0) != read.versions.get(key, 0) \
                    and (row.value if row else None) != text:
                clashes.append(OPTION_BY_KEY[key].label)
        ward_changes = _ward_changes(session, ward, read, clashes)
        if clashes:
            raise stale(session, clashes)
        if ward_changes is not None:
            _save_ward_names(session, ward_changes)
        for key, text in texts.items():
            row = stored.get(key)
            if row is None:
                session.add(Setting(key=key, value=text))
            elif row.value != text:
                row.value = text
        session.flush()
        saved = _load_in(session)
    history.set_current_user(saved.user_name)
    return saved


def _ward_changes(session: Session, ward: WardNames | None, read: SettingsRead | None,
                  clashes: list[str]) -> WardNames | None:
    """The ward's names to write: every one given (no ``read``), or only those the user
    changed, over what is stored; a name both changed differently is added to ``clashes``."""
    if ward is None or read is None or read.ward is None:
        return ward
    stored = session.scalars(select(Ward)).first()
    if stored is None:
        return ward
    moved = stored.version != read.ward_version
    merged: dict[str, str] = {}
    for name, label_text in WARD_FIELDS.items():
        mine, was, now = getattr(ward, name), getattr(read.ward, name), getattr(stored, name)
        if mine == was:
            merged[name] = now
            continue
        if moved and clean(now) != clean(was) and clean(now) != clean(mine):
            clashes.append(label_text)
        merged[name] = mine
    return WardNames(**merged)


def _save_ward_names(session: Session, names: WardNames) -> None:
    committee = clean(names.committee_name)
    ward = session.scalars(select(Ward)).first()
    if ward is None:
        ward = Ward(committee_name=committee, party_org_name="", parent_name="", place_name="")
        session.add(ward)
    ward.committee_name = committee
    ward.party_org_name = party_org_name_for(committee)
    ward.parent_name = clean(names.parent_name)
    ward.place_name = clean(names.place_name)


# --- regulations by year ---------------------------------------------------------------------


@dataclass(frozen=True)
class RegulationRow:
    id: int
    from_year: int
    code: str  # 213-QĐ/TW
    basis_line: str  # Thực hiện Quy định số 213-QĐ/TW ...
    version: int = 0  # as read

    def input(self) -> RegulationInput:
        return RegulationInput(self.from_year, self.code, self.basis_line)


@dataclass(frozen=True)
class RegulationInput:
    from_year: int
    code: str
    basis_line: str


class RegulationError(ValueError):
    """A regulation refused; ``errors`` maps each field to its Vietnamese message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = dict(errors)


def _regulation_row(r: Regulation) -> RegulationRow:
    return RegulationRow(r.id, r.from_year, r.code, r.basis_line, r.version)


def list_regulations(factory: sessionmaker[Session]) -> list[RegulationRow]:
    with factory() as session:
        return [_regulation_row(r) for r in
                session.scalars(select(Regulation).order_by(Regulation.from_year))]


def regulation_for_year(factory: sessionmaker[Session], year: int) -> RegulationRow:
    """The regulation in force in a year (``models.dates.in_force``: the latest one starting in
    or before it, the earliest one for a year before them all)."""
    with factory() as session:
        found = regulation_in(session, year)
    if found is None:
        raise LookupError("Chưa nhập quy định nào (Cài đặt › Quy định theo năm).")
    return found


def regulation_in(session: Session, year: int) -> RegulationRow | None:
    """regulation_for_year inside the caller's session; None when there is no regulation."""
    rows = [_regulation_row(r) for r in session.scalars(select(Regulation))]
    return in_force(rows, year, lambda r: r.from_year)


def validate_regulation(value: RegulationInput, others: Sequence[RegulationRow] = (),
                        regulation_id: int | None = None) -> dict[str, str]:
    """Field -> message; ``others`` are the stored regulations (to refuse a second one for the
    same year), ``regulation_id`` the one being edited."""
    errors: dict[str, str] = {}
    message = year_error(value.from_year, "Năm áp dụng")
    if message:
        errors["from_year"] = message
    else:
        for other in others:
            if other.from_year == value.from_year and other.id != regulation_id:
                errors["from_year"] = (f"Đã có quy định áp dụng từ năm {other.from_year} "
                                       f"({other.code}).")
    if not clean(value.code):
        errors["code"] = "Chưa nhập số hiệu quy định (ví dụ 213-QĐ/TW)."
    if not clean(value.basis_line):
        errors["basis_line"] = "Chưa nhập dòng căn cứ in trên văn bản."
    return errors


def save_regulation(factory: sessionmaker[Session], value: RegulationInput,
                    regulation_id: int | None = None, *,
                    version: int | None = None) -> RegulationRow:
    """Add a regulation (``regulation_id`` None) or edit one (``version``: the one the form
    read; StaleRecord when someone else saved it since)."""
    def stale(regulation: Regulation) -> StaleRecord:
        row = _regulation_row(regulation)
        return StaleRecord(f"quy định {row.code} (áp dụng từ năm {row.from_year})", row.input(),
                           row.version)

    def stale_now() -> StaleRecord:
        with factory() as session:
            found = session.get(Regulation, regulation_id)
            if found is None:
                raise RegulationError({"id": "Quy định này không còn trong dữ liệu."})
            return stale(found)

    with refuse_stale(stale_now), factory.begin() as session:
        stored = session.scalars(select(Regulation)).all()
        errors = validate_regulation(value, [_regulation_row(r) for r in stored], regulation_id)
        if errors:
            raise RegulationError(errors)
        if regulation_id is None:
            regulation = Regulation()
            session.add(regulation)
        else:
            found = session.get(Regulation, regulation_id)
            if found is None:
                raise RegulationError({"id": "Quy định này không còn trong dữ liệu."})
            regulation = found
            ensure_current(session, found.version, version, lambda _s: stale(found))
        regulation.from_year = value.from_year
        regulation.code = clean(value.code)
        regulation.basis_line = clean(value.basis_line)
        session.flush()
        return _regulation_row(regulation)


def delete_regulation(factory: sessionmaker[Session], regulation_id: int) -> None:
    """Delete a regulation; the last one is kept, since every form needs a basis line."""
    with factory.begin() as session:
        regulation = session.get(Regulation, regulation_id)
        if regulation is None:
            return
        if len(session.scalars(select(Regulation.id)).all()) <= 1:
            raise RegulationError({"id": "Không xóa được quy định cuối cùng: văn bản nào cũng "
                                         "cần một dòng căn cứ."})
        session.delete(regulation)
