"""What the connected user may do, as the window asks it (issue 18 item 3).

A seam until the server's side is merged: the window asks ``access_of(db)``; on a local file the
person at the PC does everything.  On a server the answer is the server's own (its roles,
``Database.access``), and the window only hides or disables what the role cannot do — the
server refuses it anyway.  ``Access`` has the fields and questions of the server side's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

WARD = "ward"  # everything in its ward
CELL = "cell"  # reads its cell's members, writes its cell's activities and roll calls
VIEWER = "viewer"  # reads its ward
TOWN = "town"  # reads every ward of the town
ROLES = (WARD, CELL, VIEWER, TOWN)

ROLE_LABELS = {WARD: "cấp phường (toàn quyền trong phường)",
               CELL: "chi bộ (hoạt động và điểm danh của chi bộ mình)",
               VIEWER: "chỉ xem (toàn phường)",
               TOWN: "cấp thành phố (xem mọi phường)"}


@dataclass(frozen=True)
class Access:
    role: str  # one of ROLES
    cell_id: int | None = None  # the cell of a cell user
    user: str = ""  # the server's login name ("" on a local file)
    owner: bool = False

    @property
    def writes_register(self) -> bool:
        """Members, catalogues, settings, comment sheets, imports, packages."""
        return self.role == WARD

    @property
    def writes_activities(self) -> bool:
        """Activities and roll calls (a cell user: of its own cell only)."""
        return self.role in (WARD, CELL)

    @property
    def read_only(self) -> bool:
        return self.role in (VIEWER, TOWN)

    @property
    def reads_whole_ward(self) -> bool:
        return self.role != CELL

    @property
    def label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


FULL_ACCESS = Access(WARD, owner=True)


def access_of(db: Any) -> Access:
    """The open database's user's access: the server's answer where there is one, everything
    on a local file."""
    found = getattr(db, "access", None)
    if found is None or not hasattr(found, "role"):
        return FULL_ACCESS
    return Access(str(found.role), getattr(found, "cell_id", None), getattr(found, "user", ""),
                  bool(getattr(found, "owner", False)))
