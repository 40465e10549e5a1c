"""A query typed with accents lists the names holding those very words first (issue 16): "Hường"
finds Đặng Thị Hường before Nguyễn Thị Hương; tone placement does not matter."""

from __future__ import annotations

from datetime import date

from models.register.members import MemberFilter, query_member_ids, search_members
from models.store.db import Database
from models.store.entities import Member
from models.text.vntext import clean_name, fold, sort_key


def add(db: Database, name: str) -> None:
    full = clean_name(name)
    with db.session_factory.begin() as s:
        s.add(Member(full_name=full, name_key=fold(full), sort_key=sort_key(full), sex="F",
                     birth_date=date(1980, 1, 2), birth_year=1980))


def names(db: Database, text: str) -> list[str]:
    return [r.full_name for r in search_members(db.session_factory, text)]


def test_an_accented_query_lists_its_exact_spelling_first(db: Database) -> None:
    for name in ("Nguyễn Thị Hương", "Đặng Thị Hường", "Lê Văn Hưởng", "Trần Thị Hường"):
        add(db, name)
    # without accents: Vietnamese order (given name, then the rest)
    assert names(db, "huong") == ["Nguyễn Thị Hương", "Đặng Thị Hường", "Trần Thị Hường",
                                  "Lê Văn Hưởng"]
    # with them: the exact word first, each part in Vietnamese order
    assert names(db, "Hường") == ["Đặng Thị Hường", "Trần Thị Hường", "Nguyễn Thị Hương",
                                  "Lê Văn Hưởng"]
    assert names(db, "hưởng") == ["Lê Văn Hưởng", "Nguyễn Thị Hương", "Đặng Thị Hường",
                                  "Trần Thị Hường"]
    assert names(db, "đặng hường")[0] == "Đặng Thị Hường"


def test_tone_placement_and_explicit_sorts_are_kept(db: Database) -> None:
    for name in ("Lê Thị Thủy", "Trần Thị Thuỷ", "Phạm Văn Thụy"):
        add(db, name)
    assert names(db, "Thuỷ") == names(db, "thủy") == ["Lê Thị Thủy", "Trần Thị Thuỷ",
                                                     "Phạm Văn Thụy"]
    # a column the user sorts by is not overruled
    ids = query_member_ids(db.session_factory, MemberFilter(text="Thủy", descending=True))
    assert len(ids) == 3
