"""Names as lists and forms print them: what a document's addressee already says is not said
again after every value, and a party committee's company is named without the committee."""

from __future__ import annotations

import re

from models.text.vntext import fold

_PARTY_BODIES = ("dang uy ", "dang bo ", "chi bo ")  # folded, with the space after


def _addressee_names(addressee: str) -> set[str]:
    """'Đảng ủy Công ty Than Mạo Khê' → {'dang uy cong ty than mao khe', 'cong ty than mao khe'}
    (folded): the organisation and the company it is the party committee of."""
    folded = fold(addressee).strip()
    names = {folded} if folded else set()
    for body in _PARTY_BODIES:
        if folded.startswith(body) and len(folded) > len(body):
            names.add(folded[len(body):])
    return names


def without_addressee(value: str, addressee: str) -> str:
    """The value without a last part that only repeats the addressee: on a sheet sent to
    'Đảng ủy Công ty Than Mạo Khê', 'Chi bộ Phân xưởng Khai thác 1 – Đảng ủy Công ty Than Mạo
    Khê' is 'Chi bộ Phân xưởng Khai thác 1' and 'Thợ lò, Phân xưởng Khai thác 1, Công ty Than
    Mạo Khê' is 'Thợ lò, Phân xưởng Khai thác 1'.  A value that is only the addressee stays."""
    names = _addressee_names(addressee)
    parts = re.split(r"(\s*[,–-]\s+)", value.strip())
    if len(parts) >= 3 and fold(parts[-1]).strip() in names:
        return "".join(parts[:-2]).strip()
    return value.strip()


def company_of(organisation: str) -> str:
    """'Đảng ủy Công ty Than Mạo Khê' → 'Công ty Than Mạo Khê': where a member works, for a
    column headed 'Nơi công tác'; a name that is not a party body's stays as it is."""
    words = organisation.strip().split()
    if len(words) > 2 and fold(" ".join(words[:2])) + " " in _PARTY_BODIES:
        return " ".join(words[2:])
    return organisation.strip()
