"""The problem report: one zip the user saves and sends to whoever supports the program.

It holds the log (the current file and the rotated ones), the version and the facts about the
machine, and nothing about the members: the program does not write members' data to the log,
and the report scrubs it all the same on the way out — the parameters SQLAlchemy quotes in an
error, every run of eight or more digits (card numbers, citizen ids, phone numbers) and phone
numbers written in groups, party file
numbers, and any member's name found in the text (compared without accents, so "nguyen van an"
goes too).
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from models import clock
from models.formats import format_date
from models.text.vntext import fold

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

FACTS_TEXT = "thong-tin.txt"
FACTS_JSON = "thong-tin.json"
LOG_FOLDER = "nhat-ky"
HIDDEN = "[đã ẩn]"
_LONGEST_NAME = 7  # words; Vietnamese names have two to five, a few foreign ones more

_SQL_PARAMETERS = re.compile(r"\[parameters: .*?\](?=\s*$|\s*\n|\s*\(Background)", re.S | re.M)
_NUMBER = re.compile(r"(?<!\d)\d{8,}(?!\d)")  # card 8 digits, citizen id 12, phone 10-11
_PHONE = re.compile(r"(?<![\d.])(?:\+84|0)\d{2,3}[ .]\d{3}[ .]\d{3,4}(?![\d])")
_FILE_NUMBER = re.compile(r"\b\d{6}[A-ZĐ]{1,3}\b")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class PrivateNames:
    """The members' names, each as its accent-folded words, to find them in free text."""

    names: frozenset[tuple[str, ...]] = field(default_factory=frozenset)

    @classmethod
    def of(cls, full_names: Iterable[str]) -> PrivateNames:
        folded = (tuple(fold(name).split()) for name in full_names)
        return cls(frozenset(words for words in folded if len(words) >= 2))

    @classmethod
    def from_database(cls, factory: sessionmaker[Session]) -> PrivateNames:
        from sqlalchemy import select

        from models.store.entities import Member

        with factory() as session:
            return cls.of(session.scalars(select(Member.full_name)))


def scrub(text: str, private: PrivateNames = PrivateNames()) -> str:
    """``text`` without the members' data it may quote (see the module's docstring)."""
    text = _SQL_PARAMETERS.sub(f"[parameters: {HIDDEN}]", text)
    text = _FILE_NUMBER.sub(HIDDEN, text)
    text = _NUMBER.sub(HIDDEN, text)
    text = _PHONE.sub(HIDDEN, text)
    if not private.names:
        return text
    words = list(_WORD.finditer(text))
    folded = [fold(m.group(0)) for m in words]
    spans: list[tuple[int, int]] = []
    n = 0
    while n < len(words):
        for length in range(min(_LONGEST_NAME, len(words) - n), 1, -1):
            if tuple(folded[n:n + length]) in private.names:
                spans.append((words[n].start(), words[n + length - 1].end()))
                n += length
                break
        else:
            n += 1
    for start, end in reversed(spans):
        text = text[:start] + HIDDEN + text[end:]
    return text


def facts_text(facts: Mapping[str, str]) -> str:
    width = max((len(label) for label in facts), default=0)
    lines = [f"Báo cáo lỗi — lập lúc {clock.now():%H:%M} {format_date(clock.now().date())}", ""]
    lines += [f"{label.ljust(width)}  {value}" for label, value in facts.items()]
    lines += ["", "Báo cáo này gồm nhật ký làm việc của chương trình và các thông tin trên; "
              "không có dữ liệu đảng viên (họ tên, số thẻ, số CCCD, điện thoại đều đã được ẩn)."]
    return "\n".join(lines) + "\n"


def report_name() -> str:
    return f"bao-cao-loi-SoDangVien213-{clock.now():%Y%m%d-%H%M}.zip"


def write_problem_report(out: Path, facts: Mapping[str, str], logs: Iterable[Path],
                         private: PrivateNames = PrivateNames()) -> Path:
    """Write the zip to ``out`` through the one output function (models.store.output: a
    temporary file renamed into place, owner-only, never onto the register; the save dialog has
    asked about replacing another file)."""
    from models.store.output import output_file

    with output_file(out, overwrite=True) as temporary, \
            zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(FACTS_TEXT, facts_text(facts))
        zf.writestr(FACTS_JSON, json.dumps(dict(facts), ensure_ascii=False, indent=2) + "\n")
        for log in logs:
            try:
                content = log.read_text(encoding="utf-8", errors="replace")
            except OSError as exc:
                content = f"(không đọc được {log.name}: {exc})\n"
            zf.writestr(f"{LOG_FOLDER}/{log.name}", scrub(content, private))
    return out
