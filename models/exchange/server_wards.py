"""The town committee reads the wards on the server directly (issue 18): no package to wait for.

Every database of the server that the connected user may enter and that holds a ward's register
of this program is read as the ward would export it — the yearly summary and, when asked, the
member list — and handed to ``models.exchange.town`` beside the imported packages of the wards
that stay offline.  A town user (group ``sdv_town``) may enter every ward's database and only
read it; the server itself enforces that.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from models import clock
from models.exchange.town import WardEntry
from models.figures.member_list import MemberList
from models.store.dbcheck import DatabaseError, ForeignDatabase, NotInitialised
from models.store.postgres import ServerAddress, databases_of


@dataclass(frozen=True)
class ServerWards:
    entries: tuple[WardEntry, ...]  # in the order of the databases' names
    lists: tuple[tuple[WardEntry, MemberList], ...]  # when asked for
    skipped: tuple[str, ...]  # databases that hold a register but could not be read, and why


def read_server_wards(address: ServerAddress, year: int, *, own_ward_uuid: str = "",
                      with_lists: bool = False,
                      progress: Callable[[str], None] | None = None) -> ServerWards:
    """Each ward database's summary of ``year`` (and member list), read now (``address``:
    any database of the server, with the user who reads).  Databases that
    are not registers of this program (the server's own, other programs') are passed over in
    silence; a register that cannot be read is named in ``skipped``; the database of
    ``own_ward_uuid`` (the town's own register, if it is on this server) is not a ward."""
    from models.catalogues.ward import get_ward
    from models.figures.member_list import member_list
    from models.figures.summary import year_summary
    from models.register.members import count_members
    from models.store.db import open_database

    entries: list[WardEntry] = []
    lists: list[tuple[WardEntry, MemberList]] = []
    skipped: list[str] = []
    for name in databases_of(address):
        if progress is not None:
            progress(name)
        try:
            db = open_database(address.with_database(name).shown, read_only=True,
                               password=address.password)
        except (ForeignDatabase, NotInitialised):
            continue
        except DatabaseError as exc:
            skipped.append(f"{name}: {exc}")
            continue
        try:
            ward = get_ward(db.session_factory)
            if ward is None or ward.uuid == own_ward_uuid:
                continue
            now = clock.now()
            entry = WardEntry(ward.uuid, ward.committee_name, ward.party_org_name, now, now,
                              count_members(db.session_factory),
                              year_summary(db.session_factory, year, today=now.date()),
                              live=True)
            entries.append(entry)
            if with_lists:
                lists.append((entry, member_list(db.session_factory)))
        except DatabaseError as exc:
            skipped.append(f"{name}: {exc}")
        finally:
            db.close()
    return ServerWards(tuple(entries), tuple(lists), tuple(skipped))
