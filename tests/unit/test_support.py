"""Shipping support: the version, the log, the problem report (no member data in it)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

import main
from models.demo.sample import fill_demo
from models.store.db import Database, default_database_path
from models.store.entities import Member
from models.support import logs
from models.support.facts import shown_path, system_facts
from models.support.licences import LIBRARIES, bundled_components, licence_text
from models.support.problem_report import (
    FACTS_TEXT,
    HIDDEN,
    PrivateNames,
    scrub,
    write_problem_report,
)
from models.support.version import data_folder, version

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_version_is_the_one_in_pyproject() -> None:
    assert version() == PYPROJECT["project"]["version"]


def test_main_prints_its_version_on_one_line() -> None:
    result = subprocess.run([sys.executable, "main.py", "--version"], cwd=ROOT,
                            capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert result.returncode == 0
    assert result.stdout == f"Sổ đảng viên 213 {PYPROJECT['project']['version']}\n"


def test_the_log_sits_in_the_data_folder_of_the_database() -> None:
    assert default_database_path().parent == data_folder()
    assert logs.log_folder().parent == data_folder()


def test_logging_is_set_up_once_and_rotates(own_log: Path, tmp_path: Path) -> None:
    assert logs.setup_logging(tmp_path / "elsewhere") == own_log  # a second call changes nothing
    assert logs.log_file() == own_log
    for n in range(3000):
        logging.getLogger("sdv.test").info("dòng %d %s", n, "x" * 400)
    names = sorted(p.name for p in own_log.parent.iterdir())
    assert names[0] == "so-dang-vien.log" and "so-dang-vien.log.1" in names
    assert len(names) <= logs.BACKUPS + 1
    assert all(p.stat().st_size <= logs.MAX_BYTES + 1000 for p in own_log.parent.iterdir())
    assert logs.log_files()[0] == own_log


def test_an_unexpected_error_on_the_command_line_names_the_log(
    own_log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(_args: object) -> int:
        raise RuntimeError("hỏng giữa chừng")

    monkeypatch.setitem(main.__dict__["main"].__globals__["COMMANDS"], "search", broken)
    assert main.main(["--db", str(tmp_path / "x.sqlite"), "search", "Nguyễn Văn An"]) == 1
    err = capsys.readouterr().err
    assert "Lỗi không mong đợi: RuntimeError: hỏng giữa chừng" in err
    assert str(own_log) in err and "Gửi báo cáo lỗi" in err
    text = own_log.read_text(encoding="utf-8")
    assert "Lệnh search" in text and "Traceback" in text and "hỏng giữa chừng" in text
    assert "Nguyễn Văn An" not in text  # the command's arguments are not logged


def test_scrub_hides_numbers_sql_parameters_and_names() -> None:
    private = PrivateNames.of(["Đặng Thị Hường", "Nguyễn Văn An"])
    text = ("2026-11-26 09:00:01,123 INFO [1234 MainThread] sdv: Lệnh search\n"
            "IntegrityError: UNIQUE constraint failed: member.card_number\n"
            "[SQL: INSERT INTO member (full_name, card_number) VALUES (?, ?)]\n"
            "[parameters: ('Lê Văn Tám', '12345678')]\n"
            "(Background on this error at: https://sqlalche.me/e/20/gkpj)\n"
            "ValueError: trùng với đặng thị hường, CCCD 001234567890, ĐT 0912 345 678, "
            "lý lịch 123456QN; nguyen van an; Nguyễn Văn Anh ở lại\n")
    out = scrub(text, private)
    for secret in ("Lê Văn Tám", "12345678", "đặng thị hường", "001234567890", "0912 345 678",
                   "123456QN", "nguyen van an"):
        assert secret not in out
    assert "2026-11-26 09:00:01,123 INFO [1234 MainThread]" in out
    assert "[SQL: INSERT INTO member (full_name, card_number) VALUES (?, ?)]" in out
    assert "Nguyễn Văn Anh ở lại" in out  # another name that only starts the same way
    assert out.count(HIDDEN) == 6


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    from models.store.db import open_database

    database = open_database(tmp_path_factory.mktemp("report") / "demo.sqlite", create=True)
    fill_demo(database.session_factory, members=60, seed=5)
    yield database
    database.close()


def test_the_problem_report_carries_the_log_and_the_facts_but_no_member_data(
    sample: Database, own_log: Path, tmp_path: Path
) -> None:
    with sample.session_factory() as s:
        members = s.execute(select(Member.full_name, Member.card_number, Member.citizen_id,
                                   Member.phone, Member.party_file_number)).all()
    first, second = members[0], members[1]
    log = logging.getLogger("sdv.test")
    log.info("Mở trang Đảng viên")
    try:
        raise ValueError(f"không lưu được {first.full_name} ({first.card_number}, "
                         f"{first.citizen_id}, {first.phone}, {first.party_file_number})")
    except ValueError:
        log.exception("Lỗi không mong đợi")
    log.warning("Tìm «%s»", second.full_name.upper())

    out = tmp_path / "bao-cao.zip"
    facts = system_facts(sample.path, sample.path.parent / "backups", own_log)
    write_problem_report(out, facts, logs.log_files(), PrivateNames.from_database(
        sample.session_factory))

    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        contents = {name: zf.read(name).decode("utf-8") for name in names}
    assert names == ["thong-tin.txt", "thong-tin.json", "nhat-ky/so-dang-vien.log"]
    assert f"Sổ đảng viên 213 {version()}" in contents[FACTS_TEXT]
    assert json.loads(contents["thong-tin.json"])["Chương trình"].endswith(version())
    log_text = contents["nhat-ky/so-dang-vien.log"]
    assert "Mở trang Đảng viên" in log_text and "Traceback" in log_text
    everything = "\n".join(contents.values())
    for row in members:
        for value in row:
            if value:
                assert value not in everything, value
                assert value.upper() not in everything, value


def test_facts_write_the_home_folder_as_a_tilde(tmp_path: Path) -> None:
    assert shown_path(Path.home() / "Tài liệu" / "x.sqlite").startswith("~")
    assert shown_path(tmp_path) == str(tmp_path) or shown_path(tmp_path).startswith("~")


def test_every_runtime_dependency_is_listed_with_a_licence() -> None:
    import re

    wanted = {re.split(r"[<>=!~ ;\[]", dep, maxsplit=1)[0]
              for dep in PYPROJECT["project"]["dependencies"]}
    listed = {c.name for c in bundled_components()}
    assert wanted <= set(LIBRARIES) and wanted <= listed
    assert all(c.licence for c in bundled_components())
    fonts = [c for c in bundled_components() if c.licence_file]
    assert {c.licence_file for c in fonts} == {"LICENSE-Liberation.txt", "LICENSE-DejaVu.txt"}
    assert all("License" in licence_text(c) or "license" in licence_text(c) for c in fonts)
