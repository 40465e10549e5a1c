"""Vietnamese labels of the stored codes (DOMAIN.md §7); the one place they are written."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from models.store.entities import (
    ActivityKind,
    AttendanceState,
    MemberStatus,
    Proposal,
    Sex,
    SheetStatus,
)

SEX = {Sex.MALE: "Nam", Sex.FEMALE: "Nữ"}

MEMBER_STATUS = {
    MemberStatus.ACTIVE: "Đang sinh hoạt",
    MemberStatus.MOVED_AWAY: "Chuyển nơi cư trú",
    MemberStatus.TRANSFERRED_OUT: "Chuyển sinh hoạt đảng",
    MemberStatus.RETIRED_TO_CELL: "Nghỉ hưu, chuyển về chi bộ nơi cư trú",
    MemberStatus.DECEASED: "Từ trần",
}

ACTIVITY_KIND = {
    ActivityKind.PERIODIC: "Sinh hoạt định kỳ",
    ActivityKind.THEMATIC: "Sinh hoạt chuyên đề",
    ActivityKind.RESIDENTS: "Họp tổ dân phố / khu dân cư",
    ActivityKind.MOVEMENT: "Phong trào, hoạt động cộng đồng",
    ActivityKind.OTHER: "Khác",
}

ATTENDANCE = {
    AttendanceState.INVITED: "Được mời",
    AttendanceState.PRESENT: "Có mặt",
    AttendanceState.EXCUSED: "Vắng có lý do",
    AttendanceState.ABSENT: "Vắng không lý do",
}

SHEET_STATUS = {
    SheetStatus.DRAFT: "Nháp",
    SheetStatus.FINISHED: "Hoàn thành",
    SheetStatus.PRINTED: "Đã in",
    SheetStatus.SENT: "Đã gửi",
    SheetStatus.ACKNOWLEDGED: "Đã nhận",
}

PROPOSAL = {
    Proposal.PRAISE: "Biểu dương",
    Proposal.NONE: "Không đề nghị",
    Proposal.DISCIPLINE: "Xem xét xử lý",
}

PROBATIONARY = "Dự bị"
OFFICIAL = "Chính thức"
EXCUSED = "Miễn sinh hoạt nơi cư trú"


def label(table: Mapping[Any, str], code: str | None) -> str:
    """The label of a code, or the code itself for a value this version does not know."""
    if code is None:
        return ""
    return table.get(code, code)
