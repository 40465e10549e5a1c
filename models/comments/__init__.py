"""The yearly comment round (DESIGN.md §3.5, DOMAIN.md §2.2 and §3.3).

A round belongs to a year; creating it (for the whole ward or one cell) makes a comment sheet for
every member on the list on the round's reference date and not excused on it, and running it again
adds only the missing ones.  Each sheet keeps a *snapshot* of everything it prints (identity,
workplace, residence, participation, regulation line, issuer and signers), taken from the register
when it is made; "refresh" renews the snapshot of drafts only.  The seven items start from
templates the user edits; the prefilled texts of items 3–5 hold the member's participation.

Status: draft → finished → printed → sent (date, organisation) → acknowledged.  Printing gives a
sheet its document number ("27-PNX/CB", per cell issuer, year and kind) once; reprints keep it.
"""
