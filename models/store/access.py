"""What the connected user may do: the same answer for a local file and for a server.

On a local file the person at the PC does everything (``FULL_ACCESS``).  On a PostgreSQL server
the answer comes from the server itself (``models.store.pg_roles.current_access``): the group
role the login belongs to, and for a cell user the cell.  The window hides or disables what the
role cannot do; the server refuses it anyway (GRANTs and row-level security), so this is a
courtesy to the user, never the guard.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    """The connected user's role.  ``owner``: the database's owner (or a superuser), who alone
    upgrades the schema and adds or removes users."""

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
    def manages_users(self) -> bool:
        return self.owner

    @property
    def label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


FULL_ACCESS = Access(WARD, owner=True)
