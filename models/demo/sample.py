"""Sample data: a ward of Đông Triều, coal-sector party organisations, members and two years of
meetings with attendance, so a newcomer can try every screen at once (DESIGN.md §3.1, ``demo``).

Everything comes from one ``random.Random(seed)``, UUIDs and time stamps included, so the same seed
and the same ``today`` give the same database.  Members and their dated rows are written with Core
bulk inserts in one transaction: 100,000 members with their attendance take seconds, and the
change-history hook (which watches ORM objects) stays silent, as it should for generated data.

Dated rows avoid ambiguity on purpose: a closing date, a move between cells and the start or end of
an excused period never falls on (or next to) a meeting day of the member's cell, so "who was on the
list on day D" has the same answer whether an end date is read as inclusive or exclusive.
"""

from __future__ import annotations

import random
import uuid
from bisect import bisect
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from typing import Any

from sqlalchemy import Select, Table, func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from models import clock
from models.catalogues.ward import CellInput, WardSetup, setup_ward_in
from models.membership import covers
from models.store.db import bulk_member_insert
from models.store.entities import (
    ActivityKind,
    ActivityStatus,
    AttendanceState,
    Base,
    Cell,
    Member,
    MemberStatus,
    Sex,
    Ward,
    WorkplaceOrg,
)
from models.text import vntext

Progress = Callable[[int, int], None]
Row = dict[str, Any]

BATCH = 20_000
WARD_NAME = "Đảng ủy phường Mạo Khê"
WARD_PARENT = "Đảng bộ thành phố Đông Triều"
PLACE = "Đông Triều"
CELL_COUNT = 10
CELL_WEIGHTS = (1.2, 0.8, 1.1, 0.9, 1.5, 1.0, 0.7, 1.3, 0.6, 0.9)
CELLS_WITH_COMMITTEE = frozenset({0, 2, 4, 7})
ADDRESS_TAIL = "phường Mạo Khê, thành phố Đông Triều, tỉnh Quảng Ninh"
FIRST_RECEIVED = date(2015, 1, 1)
SPECIAL_NAME = "Đặng Thị Hường"
REFUSAL = ("Cơ sở dữ liệu đã có đảng viên; dữ liệu mẫu chỉ nạp vào cơ sở dữ liệu chưa có "
           "đảng viên.")
SET_UP_AT = datetime(2015, 1, 5, 8, 0)  # when the sample ward "started" its register

TKV = "Đảng bộ Tập đoàn TKV"
THAN_QN = "Đảng bộ Than Quảng Ninh"
# (company, parent, kind of unit, address, weight): Than Mạo Khê is in the ward itself
ORGS: tuple[tuple[str, str, str, str, float], ...] = (
    ("Công ty Than Mạo Khê", TKV, "mine", "Phường Mạo Khê, thành phố Đông Triều", 46),
    ("Công ty Than Uông Bí", TKV, "mine", "Phường Thanh Sơn, thành phố Uông Bí", 9),
    ("Công ty Than Nam Mẫu", TKV, "mine", "Phường Thượng Yên Công, thành phố Uông Bí", 5),
    ("Công ty Than Hòn Gai", TKV, "mine", "Thành phố Hạ Long", 3),
    ("Công ty Than Hạ Long", TKV, "mine", "Thành phố Cẩm Phả", 2.5),
    ("Công ty Than Quang Hanh", TKV, "mine", "Thành phố Cẩm Phả", 2.5),
    ("Công ty Than Dương Huy", TKV, "mine", "Thành phố Cẩm Phả", 2),
    ("Công ty Than Khe Chàm", TKV, "mine", "Thành phố Cẩm Phả", 2),
    ("Công ty Than Thống Nhất", TKV, "mine", "Thành phố Cẩm Phả", 2),
    ("Công ty Than Vàng Danh", THAN_QN, "mine", "Phường Vàng Danh, thành phố Uông Bí", 6),
    ("Công ty Tuyển than Hòn Gai", THAN_QN, "screening", "Thành phố Hạ Long", 2.5),
    ("Công ty Kho vận Đá Bạc", THAN_QN, "port", "Thành phố Uông Bí", 6),
    ("Công ty Cơ khí Mạo Khê", THAN_QN, "mechanical", "Phường Mạo Khê, thành phố Đông Triều", 6),
    ("Công ty Nhiệt điện Đông Triều", THAN_QN, "power", "Thành phố Đông Triều", 3.5),
)

# A unit: (name, highest number or 0, weight for men, weight for women,
#          job titles for men, job titles for women), titles as "Name:weight|Name:weight".
_Unit = tuple[str, int, float, float, str, str]
_MINE_JOBS = ("Thợ lò:70|Tổ trưởng sản xuất:10|Lò trưởng:6|Thợ cơ điện lò:6|Phó quản đốc:5|"
              "Quản đốc:2|Kỹ sư khai thác:3")
_OFFICES: tuple[_Unit, ...] = (
    ("Phòng Kỹ thuật", 0, 3, 2, "Kỹ sư mỏ:6|Phó trưởng phòng:1|Trưởng phòng:1",
     "Kỹ sư mỏ:3|Nhân viên kỹ thuật:2"),
    ("Phòng Cơ điện - Vận tải", 0, 2, 1, "Kỹ sư cơ điện:6|Phó trưởng phòng:1",
     "Kỹ sư cơ điện:2|Nhân viên kinh tế:1"),
    ("Phòng An toàn", 0, 2, 1, "Kỹ sư an toàn:3|Cán bộ an toàn:3", "Cán bộ an toàn:1"),
    ("Phòng Kế toán - Tài chính", 0, 1, 7, "Nhân viên kinh tế:2|Kế toán trưởng:1",
     "Nhân viên kinh tế:6|Kế toán viên:4|Phó trưởng phòng:1"),
    ("Phòng Tổ chức lao động", 0, 1, 4, "Chuyên viên tổ chức:2|Trưởng phòng:1",
     "Nhân viên kinh tế:4|Chuyên viên lao động tiền lương:2"),
    ("Phòng Kế hoạch - Vật tư", 0, 1, 4, "Nhân viên kinh tế:3|Phó trưởng phòng:1",
     "Nhân viên kinh tế:5|Thủ kho:1"),
    ("Văn phòng Công ty", 0, 1, 3, "Chánh văn phòng:1|Nhân viên văn phòng:2",
     "Nhân viên văn phòng:4|Văn thư:2"),
    ("Trạm Y tế", 0, 0.5, 3, "Bác sĩ:1|Y sĩ:1", "Y sĩ:2|Điều dưỡng:3|Bác sĩ:1"),
)
UNITS: dict[str, tuple[_Unit, ...]] = {
    "mine": (
        ("Phân xưởng Khai thác", 9, 40, 0, _MINE_JOBS, ""),
        ("Phân xưởng Đào lò", 7, 26, 0, _MINE_JOBS, ""),
        ("Phân xưởng Cơ điện lò", 0, 6, 0.5, "Thợ cơ điện lò:8|Kỹ sư cơ điện:2|Phó quản đốc:1",
         "Nhân viên kinh tế:1"),
        ("Phân xưởng Vận tải lò", 2, 6, 2, "Công nhân vận tải lò:6|Lái tàu điện:3|Tổ trưởng "
         "sản xuất:1", "Công nhân vận hành tời trục:3|Nhân viên kinh tế:1"),
        ("Phân xưởng Thông gió - Thoát nước", 0, 3, 1, "Công nhân thông gió:4|Thợ đo khí:2",
         "Công nhân đo khí:2|Nhân viên thống kê:1"),
        ("Phân xưởng Sàng tuyển", 0, 3, 22, "Công nhân sàng tuyển:3|Quản đốc:1",
         "Công nhân sàng tuyển:6|Công nhân vận hành băng tải:4|Tổ trưởng sản xuất:1"),
        ("Phân xưởng Đời sống", 0, 0.5, 8, "Tổ trưởng sản xuất:1",
         "Nhân viên phục vụ nhà ăn:5|Tổ trưởng sản xuất:1|Nhân viên kinh tế:1"),
        *_OFFICES,
    ),
    "screening": (
        ("Phân xưởng Tuyển than", 2, 20, 14, "Công nhân tuyển than:6|Tổ trưởng sản xuất:1|"
         "Quản đốc:1", "Công nhân tuyển than:5|Công nhân vận hành băng tải:3"),
        ("Phân xưởng Cơ điện", 0, 8, 1, "Công nhân cơ điện:6|Kỹ sư cơ điện:2",
         "Nhân viên thống kê:1"),
        ("Phân xưởng Cảng", 0, 10, 2, "Công nhân bốc xếp:4|Lái máy xúc:3|Phó quản đốc:1",
         "Nhân viên giao nhận than:3"),
        *_OFFICES,
    ),
    "port": (
        ("Phân xưởng Cảng Bến Cân", 0, 14, 3, "Công nhân bốc xếp:4|Lái máy xúc:3|Quản đốc:1",
         "Nhân viên giao nhận than:3|Nhân viên thống kê:1"),
        ("Phân xưởng Vận tải", 2, 18, 1, "Lái xe tải:6|Thợ sửa chữa ô tô:2|Phó quản đốc:1",
         "Nhân viên điều độ:1"),
        ("Phân xưởng Sàng tuyển", 0, 6, 12, "Công nhân sàng tuyển:3|Quản đốc:1",
         "Công nhân sàng tuyển:5|Công nhân vận hành băng tải:3"),
        *_OFFICES,
    ),
    "mechanical": (
        ("Phân xưởng Cơ khí chế tạo", 0, 18, 3, "Thợ tiện:3|Thợ hàn:4|Công nhân cơ khí:5|"
         "Quản đốc:1", "Công nhân cơ khí:2|Nhân viên kinh tế:1"),
        ("Phân xưởng Sửa chữa thiết bị mỏ", 0, 16, 1, "Công nhân sửa chữa:6|Kỹ sư cơ khí:2|"
         "Phó quản đốc:1", "Nhân viên thống kê:1"),
        ("Phân xưởng Kết cấu thép", 0, 10, 1, "Thợ hàn:5|Tổ trưởng sản xuất:1",
         "Nhân viên kinh tế:1"),
        *_OFFICES,
    ),
    "power": (
        ("Phân xưởng Vận hành", 2, 16, 3, "Trưởng ca vận hành:2|Công nhân vận hành lò hơi:5|"
         "Kỹ sư điện:2", "Công nhân vận hành:2|Kỹ sư điện:1"),
        ("Phân xưởng Nhiên liệu", 0, 8, 4, "Công nhân vận hành băng tải:4|Phó quản đốc:1",
         "Công nhân vận hành băng tải:3"),
        ("Phân xưởng Hóa", 0, 2, 5, "Kỹ sư hóa:1", "Công nhân hóa nghiệm:4|Kỹ sư hóa:1"),
        *_OFFICES,
    ),
}

# Names as "Name:weight|...", weights roughly as in Vietnam (north) and among miners.
FAMILY_KINH = (
    "Nguyễn:380|Trần:110|Lê:95|Phạm:70|Hoàng:50|Vũ:39|Phan:20|Đặng:21|Bùi:20|Đỗ:14|Hồ:10|Ngô:13|"
    "Dương:10|Lý:5|Đào:8|Đinh:8|Trịnh:6|Lương:5|Mai:5|Lưu:4|Tạ:3|Cao:4|Hà:4|Đoàn:5|Vương:2|Phùng:3|"
    "Tô:2|Chu:2|Kiều:2|Lại:2|Đàm:2|Nghiêm:1|Khúc:1|Quách:1|Tăng:1|Mạc:1|Thái:1|Ninh:1|Trương:3|"
    "Lã:1|Âu:1|Văn:1|Khổng:1|Giáp:1|Nhữ:1"
)
FAMILY_BY_ETHNICITY = {
    "Tày": "Nông:25|Hoàng:15|Lý:8|Bế:8|Ma:6|Hà:8|Lương:6|Triệu:4|Lục:4",
    "Sán Dìu": "Dương:6|Lâm:4|Diệp:4|Lưu:4|Ninh:3|Phùng:4|Lý:3|Đàm:3|Trương:3|Tạ:3",
    "Dao": "Triệu:10|Bàn:8|Đặng:6|Lý:5|Chìu:3|Phùn:2|Dương:2",
}
ETHNICITY = "Kinh:930|Tày:30|Sán Dìu:25|Dao:15"
MIDDLE_MALE = (
    "Văn:420|Đức:80|Minh:50|Quang:45|Xuân:35|Hữu:40|Ngọc:25|Công:30|Thanh:30|Mạnh:20|Tiến:15|"
    "Trọng:20|Duy:20|Hồng:15|Đình:40|Thế:20|Bá:15|Kim:10|Khắc:10|Việt:15|Anh:10|Tuấn:10|Quốc:20|"
    "Trung:10|Huy:8|Đăng:8|Hải:10|Chí:10|Như:5|Phú:5|Sỹ:5|Tất:5|Doãn:3|Nhật:8|Thành:10|Tài:3"
)
MIDDLE_FEMALE = (
    "Thị:620|Thu:60|Ngọc:30|Thanh:40|Minh:25|Hồng:30|Kim:25|Phương:15|Thúy:15|Bích:15|Hải:10|"
    "Lan:8|Diệu:8|Mai:8|Hoài:8|Khánh:8|Quỳnh:8|Tuyết:5|Vân:5|Mỹ:5"
)
SECOND_MIDDLE_MALE = "Minh:5|Quang:4|Đức:4|Anh:4|Hoàng:3|Mạnh:2|Tiến:2|Việt:3|Thành:2|Hải:2|Trung:2"
SECOND_MIDDLE_FEMALE = (
    "Thu:6|Kim:5|Thanh:5|Minh:4|Hồng:4|Ngọc:4|Bích:3|Phương:3|Thúy:3|Lan:2|Mai:2|Hải:2|Diệu:1|"
    "Tuyết:1|Quỳnh:1"
)
GIVEN_MALE = (
    "Hùng:30|Dũng:30|Tuấn:30|Cường:25|Thắng:25|Hải:25|Sơn:25|Long:22|Hưng:22|Đức:20|Quang:15|"
    "Tùng:18|Thành:20|Trung:18|Hiếu:15|Nam:18|Phong:12|Tiến:15|Toàn:12|Huy:15|Minh:18|Hoàng:12|"
    "Khánh:10|Lâm:10|Mạnh:15|Vinh:12|Bình:12|Chiến:12|Công:10|Dương:8|Đạt:15|Định:8|Điệp:5|"
    "Đông:8|Giang:8|Hà:5|Hậu:8|Hiển:5|Hòa:10|Hợp:6|Huấn:5|Khải:5|Khoa:6|Kiên:10|Lực:6|Lượng:6|"
    "Lương:5|Nghĩa:10|Ngọc:5|Nguyên:6|Nhân:6|Phúc:8|Phương:8|Quân:12|Quý:6|Quyết:8|Sáng:5|Tài:8|"
    "Tâm:8|Tân:8|Thái:6|Thịnh:8|Thuận:6|Tín:4|Trí:5|Trường:10|Tú:6|Tuân:5|Tuyến:5|Việt:10|Vũ:6|"
    "Vượng:5|Xuân:5|Ân:2|Lợi:5|Ước:2|Đăng:4|Bằng:5|Tiệp:4|Hưởng:4|Khương:4|Thưởng:4|Tuyên:4|"
    "Chương:4|Cương:3|Thượng:2|Mừng:2|Độ:3|Đĩnh:2|Vĩnh:4|Sỹ:3|Kỳ:3|Thủy:3|Hỷ:1|Tưởng:2|Bảo:5|"
    "Đoàn:2|Doanh:4|Luân:4|Ninh:3|Sinh:3|Thạch:2|Tường:3|Uy:2|Yên:2|Ơn:1|Lăng:1|Hoan:3|Khởi:2"
)
GIVEN_FEMALE = (
    "Hương:25|Hường:10|Lan:18|Hoa:15|Hạnh:15|Huyền:15|Hằng:18|Hà:15|Thủy:15|Thúy:12|Nga:12|"
    "Nhung:12|Oanh:10|Phương:12|Thảo:15|Trang:15|Linh:15|Loan:8|Liên:8|Mai:12|Ngọc:8|Nhàn:6|"
    "Quyên:5|Tâm:6|Thu:8|Thơ:5|Tuyết:6|Vân:10|Yến:10|Dung:10|Duyên:8|Giang:8|Hiền:10|Hồng:10|"
    "Huệ:8|Lệ:4|Lụa:3|Mận:2|Nguyệt:6|Ngân:8|Ánh:8|Ân:2|Đào:4|Điệp:4|Ly:6|Mỹ:4|Thắm:5|Chăm:2|"
    "Lành:3|Sen:3|Xuyến:3|Thoa:5|Gấm:2|Kiều:4|Diễm:4|Thư:6|Dịu:3|Hậu:4|Quỳnh:6|Tươi:4|Phượng:6|"
    "Trâm:4|Uyên:4|Hảo:4|Hiên:2|Ưng:1|Ơn:1"
)

EXCUSE_REASONS = (
    "Thường xuyên làm việc xa, theo ca kíp tại công trường:60|Đi học tập trung dài hạn:15|"
    "Làm việc lưu động, thường xuyên thay đổi địa điểm công trường:15|"
    "Cán bộ luân chuyển công tác, ở nhà công vụ:10"
)
OTHER_PLACES = (
    "phường Đức Chính", "phường Hưng Đạo", "phường Xuân Sơn", "phường Kim Sơn", "phường Hồng Phong",
    "phường Tràng An", "phường Yên Thọ", "phường Hoàng Quế", "phường Bình Dương", "phường Thủy An",
    "phường Bình Khê", "phường Yên Đức", "xã An Sinh", "xã Tràng Lương", "thành phố Uông Bí",
    "thành phố Hạ Long", "huyện Kinh Môn, tỉnh Hải Dương", "tỉnh Thái Bình",
)
EXCUSED_NOTES = ("Đi làm ca", "Đi ca 3", "Đi công tác", "Bận việc gia đình", "Ốm, có báo trước",
                 "Trực sản xuất")


class _Choice:
    """A weighted choice from "Name:weight|..." text, drawn with the caller's generator."""

    def __init__(self, spec: str | Sequence[tuple[str, float]]) -> None:
        pairs = ([(p.rsplit(":", 1)[0], float(p.rsplit(":", 1)[1])) for p in spec.split("|")]
                 if isinstance(spec, str) else list(spec))
        self.values = [v for v, _ in pairs]
        self.cumulative = list(accumulate(w for _, w in pairs))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> str:
        return self.values[bisect(self.cumulative, rng.random() * self.total)]


@dataclass(frozen=True)
class DemoSummary:
    """How many rows of each kind the sample data created."""

    members: int
    cells: int
    orgs: int
    activities: int
    attendances: int
    cell_assignments: int
    status_changes: int
    excused_periods: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class _Life:
    """The dated facts of one member, as day ordinals; periods are [start, end), None = open."""

    received: int
    closed: int | None = None
    stints: list[tuple[int, int, int | None]] = field(default_factory=list)  # cell, start, end
    excused: tuple[int, int | None] | None = None
    closing: tuple[MemberStatus, str] | None = None  # the closing status and its reason
    excuse_reason: str = ""
    present_below: float = 0.75  # attendance: random() below this -> present
    excused_below: float = 0.9  # ... below this -> excused absence, else absent


@dataclass(frozen=True)
class _Activity:
    cell: int | None
    day: date
    kind: ActivityKind
    title: str
    place: str
    content: str


def _randint(rng: random.Random, low: int, high: int) -> int:
    """rng.randint's range, from one random() call: about four times faster, as deterministic."""
    return low + int(rng.random() * (high - low + 1))


def _new_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _at(day: date, rng: random.Random) -> datetime:
    """A time stamp on an office day: 7:30 to 16:30."""
    return datetime.combine(day, time(7, 30)) + timedelta(minutes=_randint(rng, 0, 539))


def _vn_date(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


class _Generator:
    """Draws everything from one random generator, in a fixed order."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self.ethnicity = _Choice(ETHNICITY)
        self.family = {"Kinh": _Choice(FAMILY_KINH)} | {
            k: _Choice(v) for k, v in FAMILY_BY_ETHNICITY.items()}
        self.middle = {Sex.MALE: _Choice(MIDDLE_MALE), Sex.FEMALE: _Choice(MIDDLE_FEMALE)}
        self.second = {Sex.MALE: _Choice(SECOND_MIDDLE_MALE),
                       Sex.FEMALE: _Choice(SECOND_MIDDLE_FEMALE)}
        self.given = {Sex.MALE: _Choice(GIVEN_MALE), Sex.FEMALE: _Choice(GIVEN_FEMALE)}
        self.orgs = _Choice([(str(i), o[4]) for i, o in enumerate(ORGS)])
        # per kind of organisation: its units, and a choice of unit index for men / for women
        self.units = {
            kind: (units, {Sex.MALE: _Choice([(str(i), u[2]) for i, u in enumerate(units)]),
                           Sex.FEMALE: _Choice([(str(i), u[3]) for i, u in enumerate(units)])})
            for kind, units in UNITS.items()}
        self.jobs: dict[str, _Choice] = {}
        self.cells = _Choice([(str(i), w) for i, w in enumerate(CELL_WEIGHTS)])
        self.excuse = _Choice(EXCUSE_REASONS)
        self.used: dict[str, set[str]] = {"cid": set(), "phone": set(), "card": set(),
                                          "file": set()}
        self.people: set[tuple[str, date]] = set()  # (name key, birth date): no false duplicates
        self.letters: dict[tuple[int, int], set[int]] = {}  # (organisation, year): numbers
        self.letter_top: dict[tuple[int, int], int] = {}  # highest number past 600
        self.names: dict[str, tuple[str, str, str]] = {}

    def unique(self, kind: str, make: Callable[[], str]) -> str:
        seen = self.used[kind]
        value = make()
        while value in seen:
            value = make()
        seen.add(value)
        return value

    def digits(self, count: int) -> str:
        return f"{_randint(self.rng, 0, 10 ** count - 1):0{count}d}"

    def full_name(self, sex: Sex, ethnicity: str = "Kinh") -> str:
        """A plausible name: mostly 3 words, some 4, a few 2; never the one special member."""
        rng = self.rng
        while True:
            family = self.family[ethnicity].pick(rng)
            given = self.given[sex].pick(rng)
            shape = rng.random()
            if shape < 0.01:
                words = [family, given]
            else:
                middle = self.middle[sex].pick(rng)
                words = [family, middle, given]
                double = 0.22 if middle == "Thị" else 0.05
                if shape > 1 - double:
                    words.insert(2, self.second[sex].pick(rng))
            if len(set(words[1:])) == len(words) - 1 and " ".join(words) != SPECIAL_NAME:
                return " ".join(words)

    def name_keys(self, raw: str) -> tuple[str, str, str]:
        """(full name, search key, sort key), computed once per distinct name."""
        keys = self.names.get(raw)
        if keys is None:
            name = vntext.clean_name(raw)
            keys = self.names[raw] = (name, vntext.fold(name), vntext.sort_key(name))
        return keys

    def day_between(self, first: date, last: date) -> date:
        if last <= first:
            return first
        return first + timedelta(days=_randint(self.rng, 0, (last - first).days))

    def job(self, spec: str) -> str:
        choice = self.jobs.get(spec)
        if choice is None:
            choice = self.jobs[spec] = _Choice(spec)
        return choice.pick(self.rng)


def _weekend(day: date, rng: random.Random, last: date) -> date:
    """The Saturday or Sunday on or after ``day`` (a week earlier if that passes ``last``)."""
    target = 5 + (rng.random() < 0.6)
    result = day + timedelta(days=(target - day.weekday()) % 7)
    return result if result <= last else result - timedelta(days=7)


QUARTERS = ("I", "II", "III", "IV")
RESIDENT_TOPICS = (
    "Thông báo kết quả thu các khoản đóng góp, kế hoạch chỉnh trang đường ngõ; an ninh trật tự "
    "khu dân cư dịp Tết Nguyên đán.",
    "Triển khai công tác phòng chống mưa bão, giữ gìn vệ sinh môi trường mùa hè; bình xét hộ "
    "nghèo, cận nghèo.",
    "Thông báo tình hình an ninh trật tự; vận động nhân dân tham gia phong trào \"Toàn dân bảo vệ "
    "an ninh Tổ quốc\"; kế hoạch khuyến học.",
    "Bình xét gia đình văn hóa, khu dân cư văn hóa; tổng kết công tác năm và dự kiến kế hoạch "
    "năm sau.",
)
THEMATIC_TITLES = (
    "Sinh hoạt chuyên đề: Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "Sinh hoạt chuyên đề: Phát huy vai trò nêu gương của đảng viên nơi cư trú",
    "Sinh hoạt chuyên đề: Phòng, chống ma túy và tệ nạn xã hội trong khu dân cư",
    "Sinh hoạt chuyên đề: Bảo vệ nền tảng tư tưởng của Đảng trên không gian mạng",
)


def _schedule(rng: random.Random, years: tuple[int, int]) -> list[_Activity]:
    """The cells' meetings and the ward's activities of two years (some cells skip a meeting)."""
    activities: list[_Activity] = []
    skip_previous_autumn, skip_current_spring = rng.sample(range(CELL_COUNT), 2)
    for year in years:
        thematic_cells = set(rng.sample(range(CELL_COUNT), rng.randint(4, 7)))
        theme = THEMATIC_TITLES[year % len(THEMATIC_TITLES)]
        ward_day = _weekend(date(year, 7, rng.randint(5, 25)), rng, date(year, 7, 31))
        activities.append(_Activity(
            None, ward_day, ActivityKind.OTHER,
            f"Hội nghị gặp mặt đảng viên đang công tác giữ mối liên hệ nơi cư trú năm {year}",
            "Hội trường Đảng ủy phường Mạo Khê",
            "Đảng ủy phường thông báo tình hình địa phương, nghe ý kiến của đảng viên đang "
            "công tác về việc thực hiện Quy định 213-QĐ/TW; biểu dương đảng viên tiêu biểu."))
        for cell in range(CELL_COUNT):
            khu = f"khu {cell + 1}"
            hall = f"Nhà văn hóa {khu}"
            used: set[date] = {ward_day}
            plan: list[tuple[date, date, bool, ActivityKind, str, str, str]] = []
            if not (year == years[1] and cell == skip_current_spring):
                plan.append((date(year, 4, 1), date(year, 5, 31), True, ActivityKind.PERIODIC,
                             f"Sinh hoạt định kỳ 6 tháng đầu năm {year}", hall,
                             f"Thông báo tình hình kinh tế - xã hội, quốc phòng - an ninh của "
                             f"phường; kết quả giữ mối liên hệ nơi cư trú 6 tháng đầu năm {year}; "
                             f"ý kiến đảng viên về công việc của {khu}."))
            if not (year == years[0] and cell == skip_previous_autumn):
                plan.append((date(year, 10, 1), date(year, 11, 20), True, ActivityKind.PERIODIC,
                             f"Sinh hoạt định kỳ 6 tháng cuối năm {year}", hall,
                             f"Đánh giá việc thực hiện Quy định 213-QĐ/TW năm {year}; thông báo "
                             "kế hoạch nhận xét đảng viên cuối năm; nhiệm vụ trọng tâm năm "
                             f"{year + 1}."))
            if cell in thematic_cells:
                plan.append((date(year, 7, 15), date(year, 9, 15), True, ActivityKind.THEMATIC,
                             f"{theme} năm {year}", hall,
                             "Quán triệt chuyên đề năm; đảng viên liên hệ trách nhiệm nêu gương "
                             "tại nơi cư trú."))
            windows = ((2, 20, 3, 31), (5, 15, 6, 30), (8, 15, 9, 30), (11, 20, 12, 28))
            for quarter, (m1, d1, m2, d2) in enumerate(windows):
                plan.append((date(year, m1, d1), date(year, m2, d2), True, ActivityKind.RESIDENTS,
                             f"Họp khu dân cư {khu} quý {QUARTERS[quarter]} năm {year}", hall,
                             RESIDENT_TOPICS[quarter]))
            plan.append((date(year, 3, 15), date(year, 4, 30), True, ActivityKind.MOVEMENT,
                         "Ra quân vệ sinh môi trường, chỉnh trang khu dân cư",
                         f"Các tuyến đường, ngõ xóm {khu}",
                         "Dọn vệ sinh, khơi thông cống rãnh, trồng cây xanh; mỗi đảng viên nhận "
                         "một đoạn đường tự quản."))
            plan.append((date(year, 11, 10), date(year, 11, 18), False, ActivityKind.MOVEMENT,
                         "Ngày hội Đại đoàn kết toàn dân tộc 18/11", hall,
                         f"Ngày hội của nhân dân {khu}: ôn truyền thống Mặt trận Tổ quốc Việt Nam, "
                         "biểu dương gia đình văn hóa, tặng quà hộ khó khăn."))
            for first, last, weekend, kind, title, place, content in plan:
                while True:
                    day = first + timedelta(days=rng.randrange((last - first).days + 1))
                    if weekend:
                        day = _weekend(day, rng, last)
                    if day not in used:
                        break
                used.add(day)
                activities.append(_Activity(cell, day, kind, title, place, content))
    activities.sort(key=lambda a: (a.day, -1 if a.cell is None else a.cell))
    return activities


def _busy_days(activities: Sequence[_Activity]) -> list[set[int]]:
    """Per cell: meeting days and the days either side (dated boundaries keep off them)."""
    busy: list[set[int]] = [set() for _ in range(CELL_COUNT)]
    for activity in activities:
        days = {activity.day.toordinal() + d for d in (-1, 0, 1)}
        for cell in range(CELL_COUNT) if activity.cell is None else (activity.cell,):
            busy[cell] |= days
    return busy


def _clear_day(day: int, busy: set[int], low: int, high: int) -> int | None:
    """The day nearest ``day`` within [low, high] that is not busy, or None."""
    for step in range(0, 30):
        for candidate in (day + step, day - step):
            if low <= candidate <= high and candidate not in busy:
                return candidate
    return None


def _pairs(session: Session, stmt: Select[str, int]) -> dict[str, int]:
    """A two-column query as a dict (key -> id)."""
    return {key: value for key, value in session.execute(stmt)}


def _count_members(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Member)) or 0)


def fill_demo(
    factory: sessionmaker[Session],
    *,
    members: int = 1800,
    seed: int = 1,
    today: date | None = None,
    progress: Progress | None = None,
) -> DemoSummary:
    """Fill a database without members with the sample ward, organisations, members, two years
    of activities (the previous and the current calendar year; those before ``today`` held, the
    rest planned) and their attendance; return how many rows of each kind were made.

    Raise ValueError (Vietnamese message) when the database already has members.  The ward and
    its cells are set up through ``setup_ward_in`` (cells that already exist under the same name
    are reused), all in one transaction: a failure or a cancel leaves the database as it was.

    Dated rows, read as ``models.membership`` reads them (every period half-open): a member is
    on the list from ``received_date`` until the day before ``closed_date`` (set for every
    status other than active, the retired ones included); a cell assignment covers
    ``start_date`` up to the day before ``end_date`` (a move ends one and starts the next on
    the same day); so does an excused period.  No such boundary falls within a day of a meeting
    of the member's cell.
    """
    if members < 0:
        raise ValueError("Số đảng viên mẫu phải là số không âm.")
    today = today or clock.today()
    with factory() as session:
        if _count_members(session):
            raise ValueError(REFUSAL)
        had_ward = session.scalar(select(func.count()).select_from(Ward)) != 0
        existing_cells = set(session.scalars(select(Cell.name_key)))
    rng = random.Random(seed)
    gen = _Generator(rng, today)
    total = 4 * members + 1
    report = progress or (lambda _done, _total: None)

    cell_inputs = tuple(
        CellInput(name=f"Chi bộ khu {n}", area=f"Khu {n}",
                  secretary_name=gen.full_name(Sex.MALE if rng.random() < 0.8 else Sex.FEMALE),
                  front_head_name=gen.full_name(Sex.FEMALE if rng.random() < 0.5 else Sex.MALE),
                  has_committee=n - 1 in CELLS_WITH_COMMITTEE)
        for n in range(1, CELL_COUNT + 1))
    ward_secretary = gen.full_name(Sex.MALE)
    ward_uuid = _new_uuid(rng)
    cell_uuids = [_new_uuid(rng) for _ in cell_inputs]
    new_cells = tuple(c for c in cell_inputs if vntext.fold(c.name) not in existing_cells)
    years = (today.year - 1, today.year)
    schedule = _schedule(rng, years)
    busy = _busy_days(schedule)

    with factory.begin() as session:
        if _count_members(session):  # someone filled it meanwhile
            raise ValueError(REFUSAL)
        setup_ward_in(session, WardSetup(committee_name=WARD_NAME, parent_name=WARD_PARENT,
                                         place_name=PLACE, secretary_name=ward_secretary,
                                         cells=new_cells, valid_from=date(2015, 1, 1)))
        if not had_ward:
            session.execute(update(_table("ward")).values(uuid=ward_uuid, created_at=SET_UP_AT))
        cell_ids: list[int] = []
        for cell_input, cell_uuid in zip(cell_inputs, cell_uuids, strict=True):
            key = vntext.fold(cell_input.name)
            cell_id = session.scalar(select(Cell.id).where(Cell.name_key == key)
                                     .order_by(Cell.id).limit(1))
            if cell_id is None:  # setup_ward has just created it
                raise RuntimeError(f"Không tìm thấy {cell_input.name} vừa tạo.")
            cell_ids.append(cell_id)
            if key not in existing_cells:
                session.execute(update(_table("residence_cell"))
                                .where(_table("residence_cell").c.id == cell_id)
                                .values(uuid=cell_uuid, created_at=SET_UP_AT))
        org_ids = _insert_orgs(session, gen)
        activity_ids = _insert_activities(session, gen, schedule, cell_ids)
        report(1, total)

        rows, lives = _make_members(gen, members, busy, org_ids, cell_ids,
                                    lambda done: report(1 + done, total))
        member_table = _table("member")
        with bulk_member_insert(session):
            for start in range(0, len(rows), BATCH):
                session.execute(insert(member_table), rows[start:start + BATCH])
                report(1 + members + min(start + BATCH, members) // 2, total)
        id_by_uuid = _pairs(session, select(member_table.c.uuid, member_table.c.id))
        member_ids = [id_by_uuid[row["uuid"]] for row in rows]
        counts = _insert_dated_rows(session, gen, rows, lives, member_ids, cell_ids)
        report(1 + 2 * members, total)

        attendances = _insert_attendance(
            session, rng, schedule, activity_ids, lives, member_ids, today,
            lambda share: report(1 + 2 * members + int(2 * members * share), total))
    report(total, total)
    return DemoSummary(members=len(rows), cells=len(cell_ids), orgs=len(org_ids),
                       activities=len(schedule), attendances=attendances,
                       cell_assignments=counts[0], status_changes=counts[1],
                       excused_periods=counts[2])


def _insert_orgs(session: Session, gen: _Generator) -> list[int]:
    """The workplace organisations of ORGS (reusing any of the same name); their ids."""
    rng = gen.rng
    table = _table("workplace_org")
    rows: list[Row] = []
    for company, parent, _kind, address, _weight in ORGS:
        name = f"Đảng ủy {company}"
        rows.append({
            "uuid": _new_uuid(rng), "name": name, "name_key": vntext.fold(name),
            "parent_name": parent, "company": company, "address": f"{address}, tỉnh Quảng Ninh",
            "contact": f"Văn phòng Đảng ủy, ĐT 0203 3{gen.digits(3)} {gen.digits(3)}",
            "active": True, "merged_into_id": None, "created_at": SET_UP_AT,
        })
    existing = _pairs(session, select(WorkplaceOrg.name_key, WorkplaceOrg.id))
    missing = [r for r in rows if r["name_key"] not in existing]
    if missing:
        session.execute(insert(table), missing)
    ids = _pairs(session, select(WorkplaceOrg.name_key, WorkplaceOrg.id))
    return [ids[r["name_key"]] for r in rows]


def _insert_activities(session: Session, gen: _Generator, schedule: Sequence[_Activity],
                       cell_ids: Sequence[int]) -> list[int]:
    rng = gen.rng
    table = _table("activity")
    rows: list[Row] = []
    for activity in schedule:
        created = _at(activity.day - timedelta(days=rng.randint(7, 20)), rng)
        held = activity.day < gen.today
        rows.append({
            "uuid": _new_uuid(rng), "date": activity.day,
            "cell_id": None if activity.cell is None else cell_ids[activity.cell],
            "kind": activity.kind.value, "title": activity.title, "place": activity.place,
            "content": activity.content,
            "status": (ActivityStatus.HELD if held else ActivityStatus.PLANNED).value,
            "created_at": created,
            "updated_at": _at(activity.day + timedelta(days=rng.randint(0, 3)), rng)
            if held else created,
        })
    if not rows:
        return []
    session.execute(insert(table), rows)
    ids = _pairs(session, select(table.c.uuid, table.c.id))
    return [ids[r["uuid"]] for r in rows]


def _make_members(gen: _Generator, count: int, busy: Sequence[set[int]], org_ids: Sequence[int],
                  cell_ids: Sequence[int], report: Callable[[int], None]
                  ) -> tuple[list[Row], list[_Life]]:
    """The member rows (without ids) and each member's dated life, in the same order."""
    rng = gen.rng
    special = rng.randrange(count) if count else -1
    rows: list[Row] = []
    lives: list[_Life] = []
    for index in range(count):
        row, life = _make_member(gen, index == special, busy, org_ids, cell_ids)
        rows.append(row)
        lives.append(life)
        if index % 5000 == 4999:
            report(index + 1)
    report(count)
    return rows, lives


def _make_member(gen: _Generator, special: bool, busy: Sequence[set[int]],
                 org_ids: Sequence[int], cell_ids: Sequence[int]) -> tuple[Row, _Life]:
    rng = gen.rng
    today = gen.today
    today_ord = today.toordinal()
    sex = Sex.FEMALE if special or rng.random() < 0.15 else Sex.MALE
    ethnicity = "Kinh" if special else gen.ethnicity.pick(rng)
    full_name, name_key, sort_key = gen.name_keys(
        SPECIAL_NAME if special else gen.full_name(sex, ethnicity))

    # identity and party data
    probationary = not special and rng.random() < 0.015
    if probationary:
        join = today - timedelta(days=_randint(rng, 40, 330))
        birth_year = min(2000, max(1966, join.year - _randint(rng, 20, 35)))
    else:
        birth_year = min(2000, max(1966, int(rng.triangular(1966, 2001, 1986))))
    birth = gen.day_between(date(birth_year, 1, 1), date(birth_year, 12, 31))
    while (name_key, birth) in gen.people:
        birth = gen.day_between(date(birth_year, 1, 1), date(birth_year, 12, 31))
    gen.people.add((name_key, birth))
    if not probationary:
        first = birth.replace(day=1)
        join = gen.day_between(first + timedelta(days=20 * 365 + 5),
                               min(first + timedelta(days=35 * 365), today - timedelta(days=400)))
    official = None if probationary else join + timedelta(days=365 + _randint(rng, 0, 30))
    century = (0 if birth_year < 2000 else 2) + (sex == Sex.FEMALE)
    province = "022" if rng.random() < 0.88 else rng.choice(("030", "031", "034", "036", "038"))
    citizen_id = gen.unique(
        "cid", lambda: f"{province}{century}{birth_year % 100:02d}{gen.digits(6)}")
    phone = (gen.unique("phone", lambda: rng.choice(("09", "03")) + gen.digits(8))
             if special or rng.random() < 0.92 else None)
    card = gen.unique("card", lambda: str(_randint(rng, 10_000_000, 99_999_999)))
    file_number = gen.unique("file", lambda: f"{_randint(rng, 100_000, 999_999)}QN")

    # workplace
    org_index = 0 if special else int(gen.orgs.pick(rng))
    company, _parent, kind, _address, _weight = ORGS[org_index]
    units, unit_choice = gen.units[kind]
    unit_name, unit_numbers, _men, _women, jobs_men, jobs_women = units[
        int(unit_choice[sex].pick(rng))]
    if unit_numbers:
        unit_name = f"{unit_name} {_randint(rng, 1, unit_numbers)}"
    job_title = gen.job(jobs_women if sex == Sex.FEMALE else jobs_men)
    if special:
        unit_name, job_title = "Phòng Kế toán - Tài chính", "Nhân viên kinh tế"

    # the introduction letter
    if probationary:
        received = min(today, join + timedelta(days=_randint(rng, 20, 60)))
    else:
        received = gen.day_between(max(FIRST_RECEIVED, join + timedelta(days=30)), today)
    letter_date = max(join, received - timedelta(days=_randint(rng, 2, 12)))
    number = _randint(rng, 1, 600)
    letter_key = (org_index, letter_date.year)
    used_numbers = gen.letters.setdefault(letter_key, set())
    if number in used_numbers:  # numbers run on past 600 in a huge demo
        number = gen.letter_top[letter_key] = max(gen.letter_top.get(letter_key, 600), 600) + 1
    used_numbers.add(number)

    # dated life: leaving the list, moving between cells, being excused
    life = _Life(received=received.toordinal())
    cell = int(gen.cells.pick(rng))
    first_close = life.received + 90
    fate = rng.random()
    closed_day: int | None = None
    if not special and first_close < today_ord - 1 and fate < 0.075 + 0.11:
        life.closing = _closing_reason(gen, fate, birth_year, cell)
        if life.closing is not None:
            closed_day = _randint(rng, max(first_close, today_ord - 730), today_ord - 1)
    moved_from: int | None = None
    move_day: int | None = None
    stay_end = today_ord if closed_day is None else closed_day
    if not special and rng.random() < 0.015 and life.received + 60 < stay_end - 30:
        new_cell = (cell + _randint(rng, 1, CELL_COUNT - 1)) % CELL_COUNT
        day = _randint(rng, max(life.received + 60, stay_end - 730), stay_end - 30)
        move_day = _clear_day(day, busy[cell] | busy[new_cell], life.received + 60,
                              stay_end - 30)
        if move_day is not None:
            moved_from, cell = cell, new_cell
    if closed_day is not None:
        life.closed = _clear_day(closed_day, busy[cell], max(first_close, (move_day or 0) + 30),
                                 today_ord - 1)
        if life.closed is None:
            life.closing = None
    life.stints = ([(moved_from, life.received, move_day), (cell, move_day, life.closed)]
                   if moved_from is not None and move_day is not None
                   else [(cell, life.received, life.closed)])
    if (not special and life.closed is None and rng.random() < 0.06
            and life.received < today_ord - 60):
        cells_busy = set().union(*(busy[c] for c, _, _ in life.stints))
        reason = gen.excuse.pick(rng)
        start = life.received if rng.random() < 0.25 else _randint(rng, life.received,
                                                                        today_ord - 60)
        start = _clear_day(start, cells_busy, life.received, today_ord - 30) or start
        end: int | None = None
        ongoing = 0.35 if reason.startswith("Đi học") else 0.7
        if rng.random() > ongoing and start + 150 < today_ord - 1:
            end = _clear_day(_randint(rng, start + 150, today_ord - 1), cells_busy, start + 150,
                             today_ord - 1)
        life.excused = (start, end)
        life.excuse_reason = reason

    # how often the member comes when invited: some always, a few never
    shape = rng.random()
    if shape < 0.15:
        life.present_below, life.excused_below = 1.0, 1.0
    elif shape < 0.18:
        life.present_below, life.excused_below = 0.0, rng.uniform(0.2, 0.5)
    else:
        life.present_below = rng.betavariate(7.3, 2.7)
        life.excused_below = life.present_below + (1 - life.present_below) * rng.uniform(0.45, 0.8)

    house = f"Số {_randint(rng, 1, 240)}, tổ" if rng.random() < 0.7 else "Tổ"
    notes = []
    if moved_from is not None and move_day is not None:
        notes.append(f"Chuyển từ khu {moved_from + 1} sang khu {cell + 1} ngày "
                     f"{_vn_date(date.fromordinal(move_day))}.")
    known_birth = special or rng.random() >= 0.03
    if not known_birth:
        notes.append("Danh sách cũ chỉ ghi năm sinh.")
    still_excused = life.excused is not None and life.excused[1] is None
    last_change = max(life.received, life.closed or 0, move_day or 0,
                      *(d or 0 for d in (life.excused or ())))
    row: Row = {
        "uuid": _new_uuid(rng), "full_name": full_name, "name_key": name_key,
        "sort_key": sort_key, "sex": sex.value, "birth_date": birth if known_birth else None,
        "birth_year": birth_year, "ethnicity": ethnicity, "citizen_id": citizen_id,
        "phone": phone, "card_number": card, "party_file_number": file_number,
        "join_date": join, "official_date": official, "workplace_org_id": org_ids[org_index],
        "workplace_cell": f"Chi bộ {unit_name}", "employer_unit": f"{unit_name}, {company}",
        "job_title": job_title,
        "address": f"{house} {_randint(rng, 1, 8)}, khu {cell + 1}, {ADDRESS_TAIL}",
        "cell_id": cell_ids[cell], "letter_number": f"{number}-GGT/ĐU",
        "letter_date": letter_date, "letter_issuer": f"Đảng ủy {company}",
        "received_date": received,
        "closed_date": None if life.closed is None else date.fromordinal(life.closed),
        "status": (MemberStatus.ACTIVE if life.closing is None else life.closing[0]).value,
        "excused": still_excused, "excused_reason": life.excuse_reason if still_excused else "",
        "notes": " ".join(notes), "archived": False, "created_at": _at(received, rng),
        "updated_at": _at(date.fromordinal(last_change), rng),
    }
    return row, life


def _closing_reason(gen: _Generator, fate: float, birth_year: int,
                    cell: int) -> tuple[MemberStatus, str] | None:
    """How a member leaves the list (about 4% move, 3% transfer, 0.5% die; older ones retire)."""
    rng = gen.rng
    if fate < 0.04:
        return MemberStatus.MOVED_AWAY, f"Chuyển nơi cư trú đến {rng.choice(OTHER_PLACES)}."
    if fate < 0.07:
        target = rng.choice([*(f"Đảng ủy {o[0]}" for o in ORGS[1:]),
                             "Đảng bộ xã nơi quê quán"])
        return MemberStatus.TRANSFERRED_OUT, (
            f"Chuyển công tác, chuyển sinh hoạt đảng chính thức về {target}.")
    if fate < 0.075:
        return MemberStatus.DECEASED, rng.choice(("Từ trần do bệnh nặng.", "Từ trần đột ngột.",
                                                  "Từ trần do tai nạn giao thông."))
    if birth_year <= 1976:  # about one member in six is old enough
        return MemberStatus.RETIRED_TO_CELL, (
            f"Nghỉ hưu, chuyển sinh hoạt đảng chính thức về Chi bộ khu {cell + 1}.")
    return None


def _insert_dated_rows(session: Session, gen: _Generator, rows: list[Row], lives: list[_Life],
                       member_ids: Sequence[int], cell_ids: Sequence[int]
                       ) -> tuple[int, int, int]:
    """Cell assignments, status changes and excused periods; (counts of each)."""
    assignments: list[Row] = []
    changes: list[Row] = []
    excused: list[Row] = []
    for row, life, member_id in zip(rows, lives, member_ids, strict=True):
        for cell, start, end in life.stints:
            assignments.append({"member_id": member_id, "cell_id": cell_ids[cell],
                                "start_date": date.fromordinal(start),
                                "end_date": None if end is None else date.fromordinal(end)})
        changes.append({
            "member_id": member_id, "status": MemberStatus.ACTIVE.value,
            "date": row["received_date"],
            "reason": f"Tiếp nhận theo Giấy giới thiệu số {row['letter_number']} ngày "
                      f"{_vn_date(row['letter_date'])} của {row['letter_issuer']}.",
            "created_at": row["created_at"]})
        if life.closing is not None and life.closed is not None:
            closed = date.fromordinal(life.closed)
            changes.append({"member_id": member_id, "status": life.closing[0].value,
                            "date": closed, "reason": life.closing[1],
                            "created_at": _at(closed, gen.rng)})
        if life.excused is not None:
            start, end = life.excused
            excused.append({"member_id": member_id, "start_date": date.fromordinal(start),
                            "end_date": None if end is None else date.fromordinal(end),
                            "reason": life.excuse_reason})
    for name, batch in (("cell_assignment", assignments), ("member_status_change", changes),
                        ("excused_period", excused)):
        table = _table(name)
        for start_at in range(0, len(batch), BATCH):
            session.execute(insert(table), batch[start_at:start_at + BATCH])
    return len(assignments), len(changes), len(excused)


def _insert_attendance(session: Session, rng: random.Random, schedule: Sequence[_Activity],
                       activity_ids: Sequence[int], lives: Sequence[_Life],
                       member_ids: Sequence[int], today: date,
                       report: Callable[[float], None]) -> int:
    """Invite everyone on the cell's list (not excused) on each activity's day; tick the held.

    Rows go in member by member (ids ascending): then the member index only grows at its end and
    the (activity, member) index at one point per activity, which keeps SQLite's page cache warm;
    activity by activity would rewrite the whole member index once per activity.
    """
    # per cell: (day, activity id, held) of its own activities and the ward's, in date order
    per_cell: list[list[tuple[int, int, bool]]] = [[] for _ in range(CELL_COUNT)]
    for activity, activity_id in zip(schedule, activity_ids, strict=True):
        entry = (activity.day.toordinal(), activity_id, activity.day < today)
        for cell in range(CELL_COUNT) if activity.cell is None else (activity.cell,):
            per_cell[cell].append(entry)
    table = _table("attendance")
    present, excused_state, absent = (AttendanceState.PRESENT.value,
                                      AttendanceState.EXCUSED.value, AttendanceState.ABSENT.value)
    invited = AttendanceState.INVITED.value
    notes = EXCUSED_NOTES
    random_ = rng.random
    batch: list[Row] = []
    total = 0
    step = max(1, len(lives) // 20)
    for index, (life, member_id) in enumerate(zip(lives, member_ids, strict=True)):
        excused = life.excused
        present_below, excused_below = life.present_below, life.excused_below
        for cell, start, end in life.stints:
            for day, activity_id, held in per_cell[cell]:
                # counted that day, as models.membership reads the rows written
                if not covers(start, end, day) or (
                        excused is not None and covers(excused[0], excused[1], day)):
                    continue
                note = ""
                if not held:
                    state = invited
                else:
                    draw = random_()
                    if draw < present_below:
                        state = present
                    elif draw < excused_below:
                        state = excused_state
                        if random_() < 0.4:
                            note = notes[int(random_() * len(notes))]
                    else:
                        state = absent
                batch.append({"activity_id": activity_id, "member_id": member_id,
                              "state": state, "note": note})
        if len(batch) >= BATCH:
            session.execute(insert(table), batch)
            total += len(batch)
            batch = []
        if index % step == step - 1:
            report((index + 1) / len(lives))
    if batch:
        session.execute(insert(table), batch)
        total += len(batch)
    report(1.0)
    return total
