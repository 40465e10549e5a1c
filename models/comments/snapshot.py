"""What a sheet prints, taken from the register when it is made or refreshed: identity,
workplace, residence, participation, regulation line, issuer and signers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.catalogues.documents import (
    IssuerLines,
    NoIssuer,
    issuer_lines_in,
)
from models.catalogues.settings import regulation_in
from models.chunks import chunked
from models.comments.templates import options_in, template_items
from models.dates import format_birth
from models.labels import SEX, label
from models.membership import cells_on
from models.store.entities import (
    Cell,
    Member,
    Ward,
    WorkplaceOrg,
)
from models.text.vntext import clean

# --- the snapshot -------------------------------------------------------------------------------

def issuer_dict(lines: IssuerLines) -> dict[str, Any]:
    return asdict(lines)


def issuer_from(raw: Mapping[str, Any]) -> IssuerLines:
    return IssuerLines(**{k: raw[k] for k in IssuerLines.__dataclass_fields__})


def _joined(*parts: str, sep: str = ", ") -> str:
    return sep.join(p.strip() for p in parts if p and p.strip())


def _commenters(cell: Cell | None) -> str:
    """'Chi ủy Chi bộ khu 5 phối hợp với Ban công tác Mặt trận khu 5'."""
    if cell is None:
        return "Chi bộ nơi cư trú phối hợp với Ban công tác Mặt trận khu dân cư"
    who = f"Chi ủy {cell.name}" if cell.has_committee else cell.name
    area = clean(cell.area)
    front = f"Ban công tác Mặt trận {area[:1].lower() + area[1:]}" if area \
        else "Ban công tác Mặt trận khu dân cư"
    return f"{who} phối hợp với {front}"


class SnapshotContext:
    """What every snapshot of one pass shares: cells, organisations, issuers, regulation."""

    def __init__(self, session: Session, year: int, on: date) -> None:
        self.session, self.year, self.on = session, year, on
        self.cells = {c.id: c for c in session.scalars(select(Cell))}
        self.orgs = {o.id: o for o in session.scalars(select(WorkplaceOrg))}
        regulation = regulation_in(session, year)
        self.basis_line = regulation.basis_line if regulation else ""
        self.options = options_in(session)
        ward = session.scalars(select(Ward)).first()
        self.committee = ward.committee_name if ward else ""
        self._issuers: dict[int | None, IssuerLines | None] = {}

    def issuer(self, cell_id: int | None) -> IssuerLines | None:
        if cell_id not in self._issuers:
            try:
                self._issuers[cell_id] = issuer_lines_in(self.session, cell_id, self.on)
            except NoIssuer:
                self._issuers[cell_id] = None
        return self._issuers[cell_id]


def snapshots(session: Session, ctx: SnapshotContext, member_ids: Sequence[int],
               participation: Mapping[int, Mapping[str, Any]],
               movements: Mapping[int, list[str]]) -> dict[int, dict[str, Any]]:
    """The snapshot of each member's sheet, as stored in snapshot_json."""
    out: dict[int, dict[str, Any]] = {}
    for chunk in chunked(member_ids):
        # the cell the member belonged to on the round's day (a later move does not change
        # whose sheet it is); the current one for a member in no cell that day
        on_day = cells_on(session.connection(), ctx.on, chunk)
        for m in session.scalars(select(Member).where(Member.id.in_(chunk))):
            cell_id = on_day.get(m.id, m.cell_id)
            org = ctx.orgs.get(m.workplace_org_id) if m.workplace_org_id else None
            cell = ctx.cells.get(cell_id) if cell_id else None
            issuer = ctx.issuer(cell_id) if cell_id else None
            ward_issuer = ctx.issuer(None)
            counts = {group: [p.invited, p.present, p.excused, p.absent]
                      for group, p in participation.get(m.id, {}).items()}
            out[m.id] = {
                "member_uuid": m.uuid, "full_name": m.full_name, "sex": label(SEX, m.sex),
                "birth": format_birth(m.birth_date, m.birth_year),
                "job": _joined(m.job_title, m.employer_unit),
                "party_unit": _joined(m.workplace_cell, org.name if org else "", sep=" – "),
                "address": m.address,
                "org_id": org.id if org else None, "org_name": org.name if org else "",
                "cell_id": cell.id if cell else None, "cell_name": cell.name if cell else "",
                "commenters": _commenters(cell), "basis_line": ctx.basis_line,
                "participation": counts, "movements": list(movements.get(m.id, [])),
                "issuer": issuer_dict(issuer) if issuer else None,
                "front_head": cell.front_head_name if cell else "",
                "ward_issuer": issuer_dict(ward_issuer) if ward_issuer else None,
                "committee": ctx.committee,
                "front_signs": ctx.options.front_signs,
                "ward_certifies": ctx.options.ward_certifies,
                "taken_on": ctx.on.isoformat(),
            }
    return out


def items_for(ctx: SnapshotContext, snapshot: Mapping[str, Any]) -> list[dict[str, str]]:
    """The seven items of a new sheet of this pass (see ``templates.template_items``)."""
    return template_items(ctx.options, ctx.year, snapshot)


