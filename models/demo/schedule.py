"""The sample ward's meetings and activities of two years, and the days around them that the
members' dated rows keep off."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from models.demo.common import CELL_COUNT
from models.demo.tables import RESIDENT_TOPICS, THEMATIC_TITLES
from models.store.entities import ActivityKind


@dataclass(frozen=True)
class SampleActivity:
    cell: int | None
    day: date
    kind: ActivityKind
    title: str
    place: str
    content: str


def weekend_day(day: date, rng: random.Random, last: date) -> date:
    """The Saturday or Sunday on or after ``day`` (a week earlier if that passes ``last``)."""
    target = 5 + (rng.random() < 0.6)
    result = day + timedelta(days=(target - day.weekday()) % 7)
    return result if result <= last else result - timedelta(days=7)


QUARTERS = ("I", "II", "III", "IV")


def make_schedule(rng: random.Random, years: tuple[int, int]) -> list[SampleActivity]:
    """The cells' meetings and the ward's activities of two years (some cells skip a meeting)."""
    activities: list[SampleActivity] = []
    skip_previous_autumn, skip_current_spring = rng.sample(range(CELL_COUNT), 2)
    for year in years:
        thematic_cells = set(rng.sample(range(CELL_COUNT), rng.randint(4, 7)))
        theme = THEMATIC_TITLES[year % len(THEMATIC_TITLES)]
        ward_day = weekend_day(date(year, 7, rng.randint(5, 25)), rng, date(year, 7, 31))
        activities.append(SampleActivity(
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
                        day = weekend_day(day, rng, last)
                    if day not in used:
                        break
                used.add(day)
                activities.append(SampleActivity(cell, day, kind, title, place, content))
    activities.sort(key=lambda a: (a.day, -1 if a.cell is None else a.cell))
    return activities


def busy_days(activities: Sequence[SampleActivity]) -> list[set[int]]:
    """Per cell: meeting days and the days either side (dated boundaries keep off them)."""
    busy: list[set[int]] = [set() for _ in range(CELL_COUNT)]
    for activity in activities:
        days = {activity.day.toordinal() + d for d in (-1, 0, 1)}
        for cell in range(CELL_COUNT) if activity.cell is None else (activity.cell,):
            busy[cell] |= days
    return busy


def clear_day(day: int, busy: set[int], low: int, high: int) -> int | None:
    """The day nearest ``day`` within [low, high] that is not busy, or None."""
    for step in range(0, 30):
        for candidate in (day + step, day - step):
            if low <= candidate <= high and candidate not in busy:
                return candidate
    return None
