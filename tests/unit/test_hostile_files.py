"""Files from outside made to hurt, and texts made to deceive (issue 14, items 5–8 and 10).

Every hostile file is made here.  Reading is done by the command line in a real process whose
peak memory is measured (resource usage of the child), with a generous time limit.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from tests.unit.test_safety import refused, run

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
    'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="'
    'application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
    'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/></Types>')
RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>')
BOOK = ('<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships"><sheets><sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets>'
        '</workbook>')
BOOK_RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
             'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
             'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="'
             'worksheets/sheet1.xml"/></Relationships>')


@dataclass(frozen=True)
class Padded:
    """A part of ``head``, ``size`` bytes of one ``fill`` byte, then ``tail``: written to the
    archive as a stream (building hundreds of MB in memory first took seconds)."""

    head: str
    fill: bytes
    size: int
    tail: str = ""


Part = str | bytes | Padded


def hostile_xlsx(path: Path, sheet_xml: Part, extra: dict[str, Part] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", BOOK)
        z.writestr("xl/_rels/workbook.xml.rels", BOOK_RELS)
        for name, data in {"xl/worksheets/sheet1.xml": sheet_xml, **(extra or {})}.items():
            if not isinstance(data, Padded):
                z.writestr(name, data)
                continue
            with z.open(name, "w", force_zip64=True) as part:
                part.write(data.head.encode())
                chunk = data.fill * MB
                for _ in range(data.size // MB):
                    part.write(chunk)
                part.write(data.tail.encode())
    return path


def sheet(cells: str, dimension: str = "") -> str:
    return ('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main">{dimension}<sheetData>{cells}</sheetData></worksheet>')


HEADER = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Họ và tên</t></is></c><c r="B1" '
          't="inlineStr"><is><t>Ngày sinh</t></is></c></row>')


def import_measured(db: Path, file: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str],
                                                                 float]:
    """Import in a child process; its result and its peak memory in MB (Linux: ru_maxrss KB)."""
    code = ("import resource, subprocess, sys\n"
            "r = subprocess.run(sys.argv[1:], capture_output=True, text=True, encoding='utf-8',"
            " timeout=60)\n"
            "sys.stdout.write(r.stdout); sys.stderr.write(r.stderr)\n"
            "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
            "sys.stderr.write(f'\\nPEAK {peak}\\n'); sys.exit(r.returncode)\n")
    result = subprocess.run([sys.executable, "-c", code, sys.executable, "main.py", "--db",
                             str(db), "import", str(file), *extra], cwd=ROOT,
                            capture_output=True, text=True, encoding="utf-8", timeout=90)
    body, _, peak = result.stderr.rpartition("\nPEAK ")
    result.stderr = body.lstrip("\n")
    return result, int(peak.strip()) / 1024


HOSTILE = {
    "cell at XFD1048576": lambda p: hostile_xlsx(p, sheet(
        HEADER + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')),
    "declared XFD1048576": lambda p: hostile_xlsx(p, sheet(
        HEADER, '<dimension ref="A1:XFD1048576"/>')),
    "huge shared string": lambda p: hostile_xlsx(p, sheet(
        HEADER + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'), {
        "xl/sharedStrings.xml": Padded('<?xml version="1.0"?><sst xmlns="http://schemas.'
                                       'openxmlformats.org/spreadsheetml/2006/main"><si><t>',
                                       b"A", 300 * MB, "</t></si></sst>")}),
    "zip bomb sheet": lambda p: hostile_xlsx(p, Padded(
        sheet(HEADER + '<row r="2"><c r="A2"><v>1</v></c></row>').replace(
            "</sheetData></worksheet>", ""), b" ", 600 * MB, "</sheetData></worksheet>")),
}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_a_hostile_workbook_is_refused_quickly_in_little_memory(
        tmp_path: Path, kind: str) -> None:
    file = HOSTILE[kind](tmp_path / "danh-sach.xlsx")
    assert file.stat().st_size < 3 * MB
    result, peak_mb = import_measured(tmp_path / "w.sqlite", file)
    refused(result, "danh-sach.xlsx")
    assert peak_mb < 200, peak_mb
    assert not (tmp_path / "w.sqlite").exists()  # nothing made of a refused file


def test_an_ods_repeating_a_filled_cell_over_the_sheet_is_refused(tmp_path: Path) -> None:
    content = ('<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:'
               'opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:'
               'xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
               '<office:body><office:spreadsheet><table:table table:name="A">'
               '<table:table-row table:number-rows-repeated="1000000"><table:table-cell '
               'table:number-columns-repeated="16000" office:value-type="string"><text:p>x'
               '</text:p></table:table-cell></table:table-row></table:table>'
               '</office:spreadsheet></office:body></office:document-content>')
    file = tmp_path / "danh-sach.ods"
    with zipfile.ZipFile(file, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
    result, peak_mb = import_measured(tmp_path / "w.sqlite", file)
    refused(result, "danh-sach.ods")
    assert peak_mb < 200, peak_mb


def test_an_xls_naming_its_last_cell_is_refused(tmp_path: Path) -> None:
    """A compound file whose workbook stream (in the mini stream) names cell IV65536."""
    def record(kind: int, data: bytes) -> bytes:
        return kind.to_bytes(2, "little") + len(data).to_bytes(2, "little") + data

    stream = (record(0x0809, b"\x00\x06\x10\x00" + bytes(12))
              + record(0x0203, (65535).to_bytes(2, "little") + (255).to_bytes(2, "little")
                       + bytes(10)) + record(0x000A, b""))
    sector = 512
    header = bytearray(512)
    header[:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    header[0x1A:0x1C] = (3).to_bytes(2, "little")
    header[0x1C:0x1E] = (0xFFFE).to_bytes(2, "little")
    header[0x1E:0x20] = (9).to_bytes(2, "little")
    header[0x20:0x22] = (6).to_bytes(2, "little")
    header[0x2C:0x30] = (1).to_bytes(4, "little")  # one FAT sector: sector 0
    header[0x30:0x34] = (1).to_bytes(4, "little")  # directory: sector 1
    header[0x38:0x3C] = (4096).to_bytes(4, "little")
    header[0x3C:0x40] = (2).to_bytes(4, "little")  # mini FAT: sector 2
    header[0x40:0x44] = (1).to_bytes(4, "little")
    header[0x44:0x48] = (0xFFFFFFFE).to_bytes(4, "little")
    header[0x4C:0x50] = (0).to_bytes(4, "little")
    for i in range(1, 109):
        header[0x4C + 4 * i:0x50 + 4 * i] = (0xFFFFFFFF).to_bytes(4, "little")
    fat = [0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFE, 0xFFFFFFFE] + [0xFFFFFFFF] * 124
    fat_sector = b"".join(v.to_bytes(4, "little") for v in fat)

    def entry(name: str, kind: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00"
        data = bytearray(128)
        data[:len(raw)] = raw
        data[0x40:0x42] = len(raw).to_bytes(2, "little")
        data[0x42] = kind
        data[0x44:0x50] = b"\xff" * 12
        data[0x74:0x78] = start.to_bytes(4, "little")
        data[0x78:0x7C] = size.to_bytes(4, "little")
        return bytes(data)

    directory = (entry("Root Entry", 5, 3, 64 * ((len(stream) + 63) // 64))
                 + entry("Workbook", 2, 0, len(stream)) + bytes(256))
    chunks = (len(stream) + 63) // 64
    mini_fat = [i + 1 for i in range(chunks - 1)] + [0xFFFFFFFE]
    mini_fat_sector = b"".join(v.to_bytes(4, "little") for v in mini_fat).ljust(sector, b"\xff")
    mini_stream = stream.ljust(sector, b"\x00")
    file = tmp_path / "danh-sach.xls"
    file.write_bytes(bytes(header) + fat_sector + directory + mini_fat_sector + mini_stream)
    result, peak_mb = import_measured(tmp_path / "w.sqlite", file)
    refused(result, "danh-sach.xls")
    assert "65.536 dòng × 256 cột" in result.stderr
    assert peak_mb < 200, peak_mb


def test_the_active_visible_sheet_is_read_never_a_hidden_first_one(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    hidden = wb.active
    hidden.title = "Cũ (ẩn)"
    hidden.append(["Họ và tên", "Ngày sinh", "Giới tính"])
    hidden.append(["Người Trong Trang Ẩn", "01/01/1970", "Nam"])
    hidden.sheet_state = "hidden"
    visible = wb.create_sheet("Danh sách 2026")
    visible.append(["Họ và tên", "Ngày sinh", "Giới tính"])
    visible.append(["Lê Thị Hiện", "02/02/1980", "Nữ"])
    other = wb.create_sheet("Nháp")
    other.append(["Họ và tên", "Ngày sinh", "Giới tính"])
    other.append(["Trần Văn Nháp", "03/03/1981", "Nam"])
    wb.active = 1
    file = tmp_path / "ds.xlsx"
    wb.save(file)
    db = tmp_path / "w.sqlite"
    result = run("--db", str(db), "import", str(file))
    assert result.returncode == 0, result.stderr
    con = sqlite3.connect(db)
    assert [r[0] for r in con.execute("SELECT full_name FROM member")] == ["Lê Thị Hiện"]
    con.close()
    from models.importing.files import sheet_choice

    choice = sheet_choice(file)
    assert choice.names == ("Danh sách 2026", "Nháp") and choice.default == "Danh sách 2026"


# --- texts ------------------------------------------------------------------------------------

def test_one_cleaning_rule_and_names_that_cannot_be_searched(tmp_path: Path) -> None:
    listing = tmp_path / "ds.csv"
    listing.write_text(
        "Họ và tên;Ngày sinh;Giới tính;Ghi chú\n"
        "Nguy\u202eễn Văn\u200b An\u2066;01/01/1980;Nam;Ghi\u200d chú\u0007 sạch\n"
        "محمد علي;02/02/1981;Nam;\n"
        "\"Trần Thị Hở;03/03/1982;Nữ;\n"
        "Lê Văn Sau;04/04/1983;Nam;\n", encoding="utf-8")
    db = tmp_path / "w.sqlite"
    result = run("--db", str(db), "import", str(listing), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert (summary["imported"], summary["rejected"]) == (2, 2)
    assert "Dòng 3: Họ và tên" in result.stdout and "chữ cái" in result.stdout
    assert "Dòng 4: Dòng này không đọc được: dấu ngoặc kép" in result.stdout
    con = sqlite3.connect(db)
    rows = con.execute("SELECT full_name, name_key, notes FROM member ORDER BY id").fetchall()
    con.close()
    assert rows == [("Nguyễn Văn An", "nguyen van an", "Ghi chú sạch"),
                    ("Lê Văn Sau", "le van sau", "")]


def test_no_workbook_the_program_writes_holds_a_live_formula(ward: Path, tmp_path: Path) -> None:
    from models.register.rules import MemberInput
    from models.register.service import add_member
    from models.store.db import open_database

    db = open_database(ward)
    add_member(db.session_factory, MemberInput(
        full_name='=HYPERLINK("http://x.invalid","Bấm vào")', sex="M", birth_year=1980,
        notes="=WEBSERVICE(\"http://x.invalid\")", address="+1+1", job_title="@SUM(A1)"))
    db.close()
    bad = tmp_path / "loi.csv"
    bad.write_text('Họ và tên;Ngày sinh;Giới tính\n=1+1;31/02/1980;Nam\n', encoding="utf-8")
    files = {
        "export.xlsx": ["export", "members", "{out}"],
        "in.xlsx": ["print", "members", "--out", "{out}"],
        "tong-hop.xlsx": ["print", "summary", "--year", "2026", "--out", "{out}"],
        "loi.xlsx": ["import", str(bad), "--dry-run", "--rejects", "{out}"],
    }
    for name, command in files.items():
        out = tmp_path / name
        result = run("--db", str(ward), *[a.format(out=out) for a in command])
        assert result.returncode == 0, (name, result.stderr)
    result = run("--db", str(ward), "exchange", "export", "--year", "2026", "--out",
                 str(tmp_path / "goi"))
    assert result.returncode == 0, result.stderr
    workbooks = [tmp_path / n for n in files]
    for package in (tmp_path / "goi").glob("*.zip"):
        with zipfile.ZipFile(package) as z:
            for name in z.namelist():
                if name.endswith(".xlsx"):
                    target = tmp_path / f"{package.stem}-{name}"
                    target.write_bytes(z.read(name))
                    workbooks.append(target)
    from reports.workbooks.member_export import write_template

    write_template(tmp_path / "mau.xlsx")
    workbooks.append(tmp_path / "mau.xlsx")
    found_text = False
    for path in workbooks:
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.startswith("xl/worksheets/"):
                    assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), (path, name)
        for ws in openpyxl.load_workbook(path).worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (path.name, cell.coordinate, cell.value)
                    found_text |= str(cell.value).startswith("=HYPERLINK")
    assert found_text  # the name is there, as the text it is


# --- exchange packages ---------------------------------------------------------------------------

def manifest_package(tmp_path: Path, manifest: bytes) -> Path:
    path = tmp_path / "goi.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("manifest.json", manifest)
    return path


@pytest.mark.parametrize("manifest", [
    b"[" * 100_000 + b"]" * 100_000,
    b'{"format": "so-dang-vien-213/trao-doi", "version": 1, "year": ' + b"9" * 5000 + b"}",
    json.dumps({"format": "so-dang-vien-213/trao-doi", "version": 1, "kind": "ward-summary",
                "ward": {"uuid": "x", "committee_name": "y"}, "year": 2026,
                "created_at": "2026-11-26T09:00:00+07:00",
                "files": [{"name": "so-lieu.json", "sha256": "0" * 64}]}).encode(),
])
def test_a_hostile_manifest_is_refused_in_vietnamese(ward: Path, tmp_path: Path,
                                                    manifest: bytes) -> None:
    result = run("--db", str(ward), "exchange", "import", str(manifest_package(tmp_path,
                                                                                manifest)))
    refused(result)
    assert any(word in result.stderr for word in ("manifest.json", "Gói thiếu tệp")), \
        result.stderr
    assert "Exceeds" not in result.stderr and "Recursion" not in result.stderr


def test_a_package_with_a_hostile_workbook_is_refused_in_little_memory(
        ward: Path, tmp_path: Path) -> None:
    from models.exchange.format import MANIFEST, MEMBERS_XLSX, sha256_hex

    workbook = hostile_xlsx(tmp_path / "t.xlsx", sheet(
        HEADER + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')).read_bytes()
    con = sqlite3.connect(ward)
    ward_uuid, name = con.execute("SELECT uuid, committee_name FROM ward").fetchone()
    org_uuid, org_name = con.execute("SELECT uuid, name FROM workplace_org LIMIT 1").fetchone()
    con.close()
    manifest = {"format": "so-dang-vien-213/trao-doi", "version": 1, "kind": "workplace-org",
                "created_at": "2026-11-20T09:00:00", "year": 2026,
                "ward": {"uuid": ward_uuid, "committee_name": name},
                "organisation": {"uuid": org_uuid, "name": org_name},
                "files": [{"name": MEMBERS_XLSX, "sha256": "0" * 64, "role": "answers",
                           "content_sha256": "0" * 64}]}
    package = tmp_path / "goi.zip"
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(MANIFEST, json.dumps(manifest))
        z.writestr(MEMBERS_XLSX, workbook)
    assert sha256_hex(workbook) != "0" * 64
    code = ("import resource, subprocess, sys\n"
            "r = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=60)\n"
            "sys.stderr.write(r.stderr)\n"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
            "sys.exit(r.returncode)\n")
    result = subprocess.run([sys.executable, "-c", code, sys.executable, "main.py", "--db",
                             str(ward), "exchange", "import", str(package)], cwd=ROOT,
                            capture_output=True, text=True, encoding="utf-8", timeout=90)
    refused(result)
    assert int(result.stdout.strip()) / 1024 < 200


def test_the_memory_measure_sees_a_child_that_uses_memory() -> None:
    """The measure above can fail: a child that takes 300 MB is seen as such."""
    code = ("import resource, subprocess, sys\n"
            "subprocess.run([sys.executable, '-c', 'x = bytearray(300 * 1024 * 1024); "
            "x[::4096] = b\"1\" * len(x[::4096])'])\n"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    peak = int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=60).stdout.strip()) / 1024
    assert peak > 250

