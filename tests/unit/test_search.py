"""Search: every query word starts a word of the accent-folded name, or the query is an id."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models.register.members import MemberFilter, query_member_ids, search_members
from models.store.db import Database
from models.store.entities import Member, MemberStatus
from models.text.vntext import clean_name, fold, sort_key
from tests.conftest import on_both_databases

db = on_both_databases()


def add(db: Database, name: str, **extra: object) -> None:
    full = clean_name(name)
    with db.session_factory.begin() as s:
        s.add(Member(full_name=full, name_key=fold(full), sort_key=sort_key(full), sex="F",
                     birth_date=date(1980, 1, 2), birth_year=1980, **extra))


def names(db: Database, text: str) -> list[str]:
    return [r.full_name for r in search_members(db.session_factory, text)]


def test_words_match_starts_of_name_words_in_any_order(db: Database) -> None:
    add(db, "Đặng Thị Hường")
    add(db, "Đặng Văn Hưng")
    add(db, "Nguyễn Thị Hương")
    add(db, "Phạm Đăng Khoa")
    assert names(db, "dang huong") == ["Đặng Thị Hường"]
    assert names(db, "huong dang") == ["Đặng Thị Hường"]
    assert names(db, "ĐẶNG HƯỜNG") == ["Đặng Thị Hường"]
    assert names(db, "dang") == ["Đặng Văn Hưng", "Đặng Thị Hường", "Phạm Đăng Khoa"]
    assert names(db, "ang") == []  # inside a word, not at its start
    assert names(db, "huo") == ["Nguyễn Thị Hương", "Đặng Thị Hường"]
    assert names(db, "   ") == []


def test_tone_placement_variants_find_each_other(db: Database) -> None:
    add(db, "Lê Thị Thủy")
    add(db, "Trần Thị Thuỷ")
    assert names(db, "Thuỷ") == names(db, "thủy") == ["Lê Thị Thủy", "Trần Thị Thuỷ"]


def test_identifiers_match_exactly(db: Database) -> None:
    add(db, "Vũ Văn Toàn", card_number="12345678", citizen_id="022080001234", phone="0912345678")
    add(db, "Vũ Văn Tâm", card_number="12345679")
    assert names(db, "12345678") == ["Vũ Văn Toàn"]
    assert names(db, "1234 5678") == ["Vũ Văn Toàn"]
    assert names(db, "022080001234") == ["Vũ Văn Toàn"]
    assert names(db, "0912.345.678") == ["Vũ Văn Toàn"]
    assert names(db, "1234567") == []


def test_members_of_every_status_are_searched(db: Database) -> None:
    add(db, "Hoàng Văn Lâm", status=MemberStatus.DECEASED)
    add(db, "Hoàng Văn Lân", archived=True)
    assert names(db, "hoang lam") == ["Hoàng Văn Lâm"]
    assert names(db, "hoang lan") == ["Hoàng Văn Lân"]
    # the list, by default, hides archived members
    assert len(query_member_ids(db.session_factory, MemberFilter(text="hoang"))) == 1


def test_results_sort_by_given_name_then_middle_then_family(db: Database) -> None:
    for name in ("Trần Văn Bình", "Lê Thị Hoa", "Nguyễn Văn Hoa", "Ánh Hoa", "Đỗ An"):
        add(db, name)
    ids = query_member_ids(db.session_factory, MemberFilter())
    rows = search_members(db.session_factory, "a") + search_members(db.session_factory, "b")
    assert len(ids) == 5
    got = [r.full_name for r in search_members(db.session_factory, "hoa")]
    assert got == ["Ánh Hoa", "Lê Thị Hoa", "Nguyễn Văn Hoa"]
    assert {r.full_name for r in rows} == {"Đỗ An", "Ánh Hoa", "Trần Văn Bình"}


def test_full_text_index_and_scan_give_the_same_members(tmp_path: object) -> None:
    """The fast path (SQLite full-text index) must answer exactly as the portable scan."""
    import random
    from pathlib import Path

    from sqlalchemy import update

    from models.demo.sample import fill_demo
    from models.register.members import member_ids_statement
    from models.store.db import open_database
    from models.store.sqlite import indexed_name_ids
    from models.text.vntext import fold_query

    db = open_database(Path(str(tmp_path)) / "fts.sqlite", create=True)
    fill_demo(db.session_factory, members=300, seed=11)
    with db.session_factory.begin() as s:  # a rename goes through the update trigger
        s.execute(update(Member).where(Member.id == 7).values(
            full_name="Quách Thị Xuyến", name_key="quach thi xuyen"))
    with db.session_factory() as s:
        keys = [k for (k,) in s.execute(select(Member.name_key))]
    rng = random.Random(5)
    queries = ["quach xuyen", "xuy", "n", "nguyen van", "th", "zz", "dang huong"]
    for _ in range(60):
        words = rng.choice(keys).split()
        picked = rng.sample(words, k=rng.randint(1, len(words)))
        queries.append(" ".join(w[: rng.randint(1, len(w))] for w in picked))
    with db.session_factory() as s:
        conn = s.connection()
        for query in queries:
            flt = MemberFilter(text=query, include_archived=True)
            scanned = [r[0] for r in conn.execute(member_ids_statement(flt))]
            words = fold_query(query)
            indexed = [r[0] for r in conn.execute(member_ids_statement(
                flt, indexed=indexed_name_ids(words) if words else None))]
            assert indexed == scanned, query
    assert [r.full_name for r in search_members(db.session_factory, "quach xuyen")] == [
        "Quách Thị Xuyến"]
    db.close()


def test_bulk_insert_indexes_new_names_and_restores_the_trigger(file_db: Database) -> None:
    import pytest
    from sqlalchemy import text

    from models.register.rules import MemberInput
    from models.register.service import insert_member_rows, new_member_row
    from models.store.entities import now

    def row(name: str) -> dict[str, object]:
        return new_member_row(MemberInput(full_name=name, sex="F", birth_year=1980), now())

    db = file_db  # the SQLite full-text index and its trigger
    with db.session_factory.begin() as s:
        insert_member_rows(s, [row("Quách Thị Xuyến"), row("Ông Văn Ích")])
    add(db, "Lương Thị Ỷ")  # after the bulk insert: the trigger is back

    def cancel(_done: int) -> None:
        raise RuntimeError("cancelled")

    with pytest.raises(RuntimeError), db.session_factory.begin() as s:
        insert_member_rows(s, [row("Hứa Văn Rollback")], cancel)
    with db.session_factory() as s:
        triggers = set(s.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
        indexed = set(s.execute(text(
            "SELECT rowid FROM member_fts WHERE member_fts MATCH '\"xuyen\"* OR \"ich\"* OR "
            "\"y\"* OR \"rollback\"*'")).scalars())
        ids = set(s.execute(select(Member.id)).scalars())
    assert "member_fts_insert" in triggers
    assert indexed == ids and len(ids) == 3
    assert names(db, "xuyen") == ["Quách Thị Xuyến"]
