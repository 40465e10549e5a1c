"""The exchange package (DESIGN.md §3.7): a zip of ordinary files and a JSON manifest.

Two kinds share one format (``docs/exchange-format.md``):

* ``workplace-org`` — the ward to a workplace party organisation: ``thanh-vien.xlsx`` (its members
  registered in the ward, with answer columns), ``phieu-nhan-xet.pdf`` (their comment sheets),
  ``huong-dan.txt``; the organisation fills the answer columns and sends the zip back;
* ``ward-summary`` — the ward to the town committee: ``so-lieu.json`` (the yearly summary
  figures), ``danh-sach-dang-vien.xlsx``, ``bao-cao-tong-hop.pdf``.

``manifest.json`` names the format and its version, the ward, the organisation, the year, when it
was made, counts, and the SHA-256 of every file.  Every file must match its checksum, except the
answer workbook, which the organisation is meant to edit: that one must still carry its hidden
sheet of original values unchanged (its digest is in the manifest), which ties every answered row
to the ward's own ids.  Stdlib only: the command line and the GUI both read packages with this.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from models.dates import year_error
from models.text.vntext import fold

FORMAT = "so-dang-vien-213/trao-doi"
VERSION = 1
KIND_ORG = "workplace-org"
KIND_WARD = "ward-summary"
KINDS = (KIND_ORG, KIND_WARD)
MANIFEST = "manifest.json"
MEMBERS_XLSX = "thanh-vien.xlsx"
SHEETS_PDF = "phieu-nhan-xet.pdf"
GUIDE_TXT = "huong-dan.txt"
FIGURES_JSON = "so-lieu.json"
WARD_LIST_XLSX = "danh-sach-dang-vien.xlsx"
WARD_REPORT_PDF = "bao-cao-tong-hop.pdf"
ROLE_ANSWERS = "answers"  # the file the organisation edits (its bytes may change)
MAX_FILE_BYTES = 64 * 1024 * 1024  # a package file unpacked; more is not a package of ours
MAX_PACKAGE_BYTES = 160 * 1024 * 1024  # every file of a package unpacked
MAX_PACKAGE_ENTRIES = 100
MAX_RATIO = 200  # unpacked / packed, for files over a megabyte
MAX_MANIFEST_BYTES = 16 * 1024 * 1024  # the member list of 100,000 uuids is 4 MB
MAX_MANIFEST_DEPTH = 8
MAX_MANIFEST_FILES = 50
MAX_MANIFEST_MEMBERS = 500_000


class PackageError(ValueError):
    """A package refused; the Vietnamese message says which file and why."""


@dataclass(frozen=True)
class FileEntry:
    name: str
    sha256: str
    size: int
    role: str = ""  # ROLE_ANSWERS for the answer workbook
    content_sha256: str = ""  # answers only: digest of the hidden sheet of original values


@dataclass(frozen=True)
class Manifest:
    kind: str
    version: int
    created_at: datetime
    year: int
    ward_uuid: str
    ward_name: str  # the committee: Đảng ủy phường Mạo Khê
    ward_party_org: str  # Đảng bộ phường Mạo Khê
    ward_parent: str
    org_uuid: str  # workplace-org only
    org_name: str
    counts: Mapping[str, int]
    files: tuple[FileEntry, ...]
    raw: Mapping[str, Any]
    members: tuple[str, ...] = ()  # workplace-org: the members (uuids) the package listed
    members_listed: bool = False  # False for packages made before the list was recorded


@dataclass(frozen=True)
class OpenedPackage:
    """A package whose manifest and checksums were checked; the files' bytes by name."""

    path: Path
    manifest: Manifest
    files: Mapping[str, bytes]
    answered: bool  # the answer workbook differs from the one the ward sent
    extra_files: tuple[str, ...]  # in the zip but not in the manifest: ignored
    sha256: str  # of the whole zip

    @property
    def kind(self) -> str:
        return self.manifest.kind


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def slug(text: str, limit: int = 60) -> str:
    """'Đảng ủy Công ty Than Mạo Khê' -> 'dang-uy-cong-ty-than-mao-khe' (ASCII file names)."""
    value = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return value[:limit].rstrip("-") or "khong-ten"


def content_digest(rows: Iterable[Sequence[str]]) -> str:
    """The digest of a table of texts (the hidden sheet of original values)."""
    h = hashlib.sha256()
    for row in rows:
        h.update(json.dumps(list(row), ensure_ascii=False).encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def manifest_dict(*, kind: str, created_at: datetime, year: int, ward: Mapping[str, str],
                  organisation: Mapping[str, str] | None, counts: Mapping[str, int],
                  files: Sequence[FileEntry], members: Sequence[str] = ()) -> dict[str, Any]:
    entries = []
    for f in files:
        entry: dict[str, Any] = {"name": f.name, "sha256": f.sha256, "bytes": f.size}
        if f.role:
            entry["role"] = f.role
        if f.content_sha256:
            entry["content_sha256"] = f.content_sha256
        entries.append(entry)
    return {
        "format": FORMAT, "version": VERSION, "kind": kind,
        "program": "Sổ đảng viên 213",
        "created_at": created_at.replace(microsecond=0).isoformat(),
        "year": year, "ward": dict(ward),
        "organisation": dict(organisation) if organisation is not None else None,
        "counts": dict(counts), "files": entries,
        **({"members": list(members)} if members else {}),
    }


def write_package(out: Path, manifest: Mapping[str, Any], files: Mapping[str, bytes], *,
                  overwrite: bool) -> None:
    """The zip: the manifest first, then the files (UTF-8 names, deflated), written through the
    one output function (owner-only, never onto a database or into the backup folder)."""
    from models.store.output import output_file

    with output_file(out, overwrite=overwrite) as temporary, \
            zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        for name, data in files.items():
            zf.writestr(name, data)


def _text(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str):
        raise PackageError(f"{MANIFEST}: thiếu hoặc sai mục «{where}{key}».")
    return value


def _depth(text: str) -> int:
    """How deeply the JSON text nests its arrays and objects (strings left out)."""
    deepest = depth = 0
    for bracket in re.findall(r"[\[\]{}]", re.sub(r'"(?:\\.|[^"\\])*"', "", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _local(moment: datetime) -> datetime:
    """A time written with its zone, as the local time this program keeps (without a zone)."""
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo is not None else moment


def parse_manifest(data: bytes) -> Manifest:
    """The manifest, checked for format, version and the fields this program needs; bounded in
    size, depth and entries, so that no manifest can exhaust the program."""
    if len(data) > MAX_MANIFEST_BYTES:
        raise PackageError(f"{MANIFEST}: quá lớn ({len(data)} byte).")
    try:
        text = data.decode("utf-8")
        if _depth(text) > MAX_MANIFEST_DEPTH:
            raise PackageError(f"{MANIFEST}: lồng nhau quá {MAX_MANIFEST_DEPTH} tầng — không "
                               "phải gói của chương trình.")
        raw = json.loads(text)
    except PackageError:
        raise
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise PackageError(f"{MANIFEST}: không đọc được (không phải JSON hợp lệ hoặc có số quá "
                           "lớn).") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise PackageError(f"{MANIFEST}: không phải gói trao đổi của Sổ đảng viên 213 "
                           f"(mục «format» phải là «{FORMAT}»).")
    version = raw.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise PackageError(f"{MANIFEST}: thiếu số phiên bản định dạng («version»).")
    if version > VERSION:
        raise PackageError(f"{MANIFEST}: gói theo định dạng phiên bản {version}, mới hơn phiên "
                           f"bản {VERSION} mà chương trình này đọc được; hãy cập nhật chương "
                           f"trình.")
    if version < 1:
        raise PackageError(f"{MANIFEST}: phiên bản định dạng {version} không hợp lệ.")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise PackageError(f"{MANIFEST}: loại gói «{kind}» không được hỗ trợ.")
    ward = raw.get("ward")
    if not isinstance(ward, dict):
        raise PackageError(f"{MANIFEST}: thiếu thông tin đảng ủy phường («ward»).")
    org = raw.get("organisation")
    if kind == KIND_ORG and not isinstance(org, dict):
        raise PackageError(f"{MANIFEST}: thiếu thông tin tổ chức đảng («organisation»).")
    year = raw.get("year")
    huge = isinstance(year, int) and abs(year) >= 10 ** 12  # not even printable as a year
    if not isinstance(year, int) or isinstance(year, bool) or huge or year_error(year):
        shown = "(số quá lớn)" if huge else str(year)[:12]
        raise PackageError(f"{MANIFEST}: năm «{shown}» không hợp lệ.")
    try:
        created = _local(datetime.fromisoformat(_text(raw, "created_at", "")[:40]))
    except ValueError:
        raise PackageError(f"{MANIFEST}: thời điểm lập gói («created_at») không hợp lệ.") from None
    listed = raw.get("files") or []
    if not isinstance(listed, list) or len(listed) > MAX_MANIFEST_FILES:
        raise PackageError(f"{MANIFEST}: danh sách tệp («files») không hợp lệ.")
    members = raw.get("members")
    if members is not None and (not isinstance(members, list)
                                or len(members) > MAX_MANIFEST_MEMBERS
                                or not all(isinstance(u, str) and len(u) <= 64 for u in members)):
        raise PackageError(f"{MANIFEST}: danh sách đảng viên («members») không hợp lệ.")
    files = []
    for entry in listed:
        if not isinstance(entry, dict):
            raise PackageError(f"{MANIFEST}: danh sách tệp («files») không hợp lệ.")
        name = _text(entry, "name", "files/")
        digest = _text(entry, "sha256", f"files/{name}/")
        size = entry.get("bytes", 0)
        files.append(FileEntry(name, digest.lower(), int(size) if isinstance(size, int) else 0,
                               str(entry.get("role") or ""),
                               str(entry.get("content_sha256") or "").lower()))
    if not files:
        raise PackageError(f"{MANIFEST}: không liệt kê tệp nào («files»).")
    counts = raw.get("counts")
    counts = counts if isinstance(counts, dict) else {}
    org_map: Mapping[str, Any] = org if isinstance(org, dict) else {}
    return Manifest(
        kind=str(kind), version=version, created_at=created, year=year,
        ward_uuid=_text(ward, "uuid", "ward/"), ward_name=_text(ward, "committee_name", "ward/"),
        ward_party_org=str(ward.get("party_org_name") or ""),
        ward_parent=str(ward.get("parent_name") or ""),
        org_uuid=str(org_map.get("uuid") or ""), org_name=str(org_map.get("name") or ""),
        counts={str(k)[:40]: int(v) for k, v in list(counts.items())[:MAX_MANIFEST_FILES]
                if isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 10 ** 9},
        files=tuple(files), raw=raw, members=tuple(members or ()),
        members_listed=members is not None)


def _safe_name(name: str) -> bool:
    return bool(name) and "/" not in name.strip("/") and "\\" not in name and ".." not in name


def open_package(path: Path | str) -> OpenedPackage:
    """Read and check a package: a zip, a valid manifest, every listed file present and matching
    its checksum (the answer workbook: see the module).  Raises PackageError saying why."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_PACKAGE_BYTES:
            raise PackageError(f"{path.name}: tệp quá lớn để là gói trao đổi.")
        whole = path.read_bytes()
    except OSError as exc:
        raise PackageError(f"Không đọc được tệp {path.name}: {exc.strerror or exc}.") from None
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise PackageError(f"{path.name}: không phải tệp nén .zip (hoặc tệp đã hỏng).") from None
    with archive:
        if len(archive.infolist()) > MAX_PACKAGE_ENTRIES:
            raise PackageError(f"{path.name}: có {len(archive.infolist())} tệp bên trong — không "
                               "phải gói trao đổi.")
        total = 0
        for info in archive.infolist():
            total += info.file_size
            if total > MAX_PACKAGE_BYTES or (info.file_size > 1024 * 1024 and info.file_size
                                             > MAX_RATIO * max(info.compress_size, 1)):
                raise PackageError(f"{path.name}: tệp «{info.filename[:80]}» giải nén ra quá lớn "
                                   "so với một gói trao đổi — không nhập.")
        infos = {i.filename.strip("/"): i for i in archive.infolist() if not i.is_dir()}
        names = {n.rsplit("/", 1)[-1]: n for n in infos}  # a folder around the files is fine
        if MANIFEST not in names:
            raise PackageError(f"{path.name}: không có tệp {MANIFEST} — không phải gói trao đổi.")

        def read(name: str, limit: int = MAX_FILE_BYTES) -> bytes:
            info = infos[names[name]]
            if info.file_size > limit:
                raise PackageError(f"{name}: tệp quá lớn ({info.file_size} byte).")
            try:
                return archive.read(info)
            except (zipfile.BadZipFile, OSError, ValueError) as exc:
                raise PackageError(f"{name}: tệp trong gói bị hỏng ({exc}).") from None

        manifest = parse_manifest(read(MANIFEST, MAX_MANIFEST_BYTES))
        files: dict[str, bytes] = {}
        answered = False
        for entry in manifest.files:
            if not _safe_name(entry.name) or entry.name == MANIFEST:
                raise PackageError(f"{MANIFEST}: tên tệp «{entry.name}» không hợp lệ.")
            if entry.name not in names:
                raise PackageError(f"Gói thiếu tệp {entry.name} (có trong {MANIFEST}).")
            data = read(entry.name)
            if sha256_hex(data) != entry.sha256:
                if entry.role != ROLE_ANSWERS:
                    raise PackageError(
                        f"{entry.name}: mã kiểm tra SHA-256 không khớp với {MANIFEST} — tệp đã "
                        f"bị sửa hoặc hỏng sau khi lập gói; không nhập gói này.")
                _check_container(entry.name, data)
                answered = True
            files[entry.name] = data
        listed = {e.name for e in manifest.files} | {MANIFEST}
        extra = tuple(sorted(n for n in names if n not in listed))
    return OpenedPackage(path, manifest, files, answered, extra, sha256_hex(whole))


def _check_container(name: str, data: bytes) -> None:
    """An edited answer workbook must still be a whole .xlsx (a zip whose every part matches
    its own CRC): a byte changed in transit is refused, not read as answers."""
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as inner:
            bad = inner.testzip()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, KeyError) as exc:
        bad = str(exc) or "?"
    except Exception as exc:  # zlib.error and the like: the bytes are damaged
        bad = str(exc) or "?"
    if bad is not None:
        raise PackageError(f"{name}: mã kiểm tra SHA-256 không khớp với {MANIFEST} và tệp bị hỏng "
                           f"({bad}) — tệp đã bị sửa hoặc hỏng khi chuyển; không nhập gói này.")


def date_text(value: date | None) -> str:
    return value.isoformat() if value is not None else ""
