"""The command line's grammar (DESIGN.md §4): every subcommand, its arguments and their help, in
Vietnamese."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from cli.common import PROGRAM, count_arg, year_arg

OVERWRITE_HELP = ("ghi đè nếu tệp đã có (không bao giờ ghi lên cơ sở dữ liệu hay vào thư mục sao "
                  "lưu)")


class _VersionAction(argparse.Action):
    """``--version``: one line, the version read only when asked (it costs start-up time)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_args: Any, **_kwargs: Any) -> None:
        from models.support.version import version

        print(f"{PROGRAM} {version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="main.py",
        description=f"{PROGRAM} — quản lý đảng viên đang công tác giữ mối liên hệ nơi cư trú.",
    )
    parser.add_argument("--version", action=_VersionAction,
                        help="in phiên bản của chương trình rồi thoát")
    parser.add_argument("--db", type=_database_arg, metavar="PATH|URL",
                        help="tệp cơ sở dữ liệu (mặc định: thư mục dữ liệu của người dùng), "
                             "hoặc cơ sở dữ liệu trên máy chủ "
                             "postgresql://NGƯỜI_DÙNG@MÁY_CHỦ:CỔNG/TÊN (mật khẩu lấy từ "
                             "PGPASSWORD hoặc ~/.pgpass)")
    sub = parser.add_subparsers(dest="command", metavar="LỆNH")

    demo = sub.add_parser("demo", help="tạo / nạp dữ liệu mẫu")
    demo.add_argument("--members", type=count_arg, default=1800, metavar="N",
                      help="số đảng viên mẫu (mặc định 1800)")
    demo.add_argument("--seed", type=int, default=1, metavar="S",
                      help="hạt giống ngẫu nhiên: cùng hạt giống, cùng dữ liệu")
    demo.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    imp = sub.add_parser("import", help="nhập đảng viên từ tệp .xlsx, .xls, .ods hoặc .csv")
    imp.add_argument("file", type=Path, metavar="FILE", help="tệp danh sách đảng viên")
    imp.add_argument("--dry-run", action="store_true",
                     help="chỉ kiểm tra và báo cáo, không ghi gì vào cơ sở dữ liệu")
    imp.add_argument("--rejects", type=Path, metavar="OUT.xlsx",
                     help="ghi các dòng bị từ chối (kèm cột «Lý do») ra tệp này")
    imp.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    imp.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    export = sub.add_parser("export", help="xuất danh sách ra tệp .xlsx")
    what = export.add_subparsers(dest="what", metavar="DANH_SÁCH", required=True)
    members = what.add_parser("members", help="danh sách đảng viên")
    members.add_argument("out", type=Path, metavar="OUT.xlsx", help="tệp .xlsx sẽ ghi")
    members.add_argument("--cell", metavar="NAME", help="chỉ chi bộ này (không cần gõ dấu)")
    members.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)

    search = sub.add_parser("search", help="tìm đảng viên (không cần gõ dấu)")
    search.add_argument("text", metavar="TEXT", help="họ tên, số thẻ, số CCCD hoặc điện thoại")
    search.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    backup = sub.add_parser("backup", help="sao lưu cơ sở dữ liệu ra một tệp")
    backup.add_argument("out", metavar="OUT.sqlite", help="tệp sao lưu (chưa có)")
    backup.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    restore = sub.add_parser("restore", help="khôi phục từ một bản sao lưu (có kiểm tra)")
    restore.add_argument("source", metavar="IN.sqlite", help="tệp sao lưu")

    comments = sub.add_parser("comments", help="phiếu nhận xét đảng viên hằng năm")
    action = comments.add_subparsers(dest="action", metavar="VIỆC", required=True)
    create = action.add_parser("create", help="tạo phiếu nhận xét của một năm")
    create.add_argument("--year", type=year_arg, required=True, metavar="Y", help="năm nhận xét")
    create.add_argument("--cell", metavar="NAME", help="chỉ chi bộ này (không cần gõ dấu)")
    create.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    printing = sub.add_parser("print", help="in ra tệp PDF")
    what = printing.add_subparsers(dest="what", metavar="VĂN_BẢN", required=True)
    print_comments = what.add_parser("comments", help="phiếu nhận xét của một năm, một tệp PDF")
    print_comments.add_argument("--year", type=year_arg, required=True, metavar="Y")
    print_comments.add_argument("--cell", metavar="NAME", help="chỉ chi bộ này")
    print_comments.add_argument("--out", type=Path, required=True, metavar="OUT.pdf")
    print_comments.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    print_members = what.add_parser("members", help="danh sách / sổ theo dõi đảng viên")
    print_members.add_argument("--cell", metavar="NAME", help="chỉ chi bộ này")
    print_members.add_argument("--out", type=Path, required=True, metavar="OUT.pdf")
    print_members.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    print_summary = what.add_parser("summary", help="báo cáo tổng hợp năm")
    print_summary.add_argument("--year", type=year_arg, required=True, metavar="Y")
    print_summary.add_argument("--out", type=Path, required=True, metavar="OUT.pdf")
    print_summary.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    _exchange_parser(sub)
    _server_parser(sub)
    return parser


def _database_arg(value: str) -> Path | str:
    """A file path, or a server's URL kept as typed (a Path would fold its "//")."""
    from models.store.dialect import is_server_location

    return value if is_server_location(value) else Path(value)


def _server_parser(sub: Any) -> None:
    server = sub.add_parser("server", help="cơ sở dữ liệu của phường trên máy chủ PostgreSQL")
    action = server.add_subparsers(dest="action", metavar="VIỆC", required=True)
    init = action.add_parser(
        "init", help="chuẩn bị cơ sở dữ liệu (trống) cho một phường: cấu trúc, phường, nhóm "
                     "quyền; chạy lại để nâng cấp và áp dụng lại quyền")
    init.add_argument("--ward", metavar="NAME",
                      help="tên Đảng ủy phường (lần đầu bắt buộc), ví dụ "
                           "\"Đảng ủy phường Mạo Khê\"")
    init.add_argument("--parent", metavar="NAME", default=None,
                      help="tổ chức đảng cấp trên (mặc định: Đảng bộ thành phố Đông Triều)")
    init.add_argument("--place", metavar="NAME", default=None,
                      help="địa danh ghi trước ngày tháng (mặc định: Đông Triều)")
    init.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    users = sub.add_parser("users", help="người dùng của phường trên máy chủ")
    action = users.add_subparsers(dest="action", metavar="VIỆC", required=True)
    add = action.add_parser("add", help="thêm người dùng (mật khẩu đọc từ đầu vào chuẩn)")
    add.add_argument("name", metavar="NAME", help="tên đăng nhập: chữ thường không dấu, số, _")
    add.add_argument("--role", required=True, choices=("ward", "cell", "viewer", "town"),
                     help="ward: toàn quyền trong phường; cell: hoạt động và điểm danh của một "
                          "chi bộ; viewer: chỉ xem phường; town: xem mọi phường")
    add.add_argument("--cell", metavar="NAME", help="chi bộ của người dùng vai trò cell")
    listing = action.add_parser("list", help="danh sách người dùng của phường")
    listing.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    remove = action.add_parser("remove", help="bỏ một người dùng")
    remove.add_argument("name", metavar="NAME")

    copy = sub.add_parser("copy", help="chép toàn bộ dữ liệu của phường sang nơi khác: từ tệp "
                                       "lên máy chủ, từ máy chủ về tệp, hoặc tệp sang tệp")
    copy.add_argument("dest", type=_database_arg, metavar="DEST",
                      help="tệp mới (.sqlite), hoặc cơ sở dữ liệu trên máy chủ đã «server init»")
    copy.add_argument("--overwrite", action="store_true",
                      help="máy chủ: THAY THẾ dữ liệu phường đã có ở đó; tệp: ghi đè tệp không "
                           "phải cơ sở dữ liệu (không bao giờ ghi đè một cơ sở dữ liệu)")
    copy.add_argument("--json", action="store_true", help="in kết quả dạng JSON")


def _exchange_parser(sub: Any) -> None:
    exchange = sub.add_parser("exchange", help="gói trao đổi với tổ chức đảng nơi công tác và "
                                               "Thành ủy / Thị ủy (tệp .zip)")
    action = exchange.add_subparsers(dest="action", metavar="VIỆC", required=True)
    ex_export = action.add_parser("export", help="lập gói của một năm: một gói cho mỗi tổ chức "
                                                 "đảng nơi công tác và gói báo cáo tổng hợp")
    ex_export.add_argument("--year", type=year_arg, required=True, metavar="Y")
    ex_export.add_argument("--out", type=Path, required=True, metavar="FOLDER",
                           help="thư mục ghi các tệp .zip")
    ex_export.add_argument("--org", action="append", metavar="NAME",
                           help="chỉ tổ chức đảng này (có thể ghi nhiều lần; không cần gõ dấu)")
    ex_export.add_argument("--only", choices=("orgs", "town"),
                           help="orgs: chỉ gói cho các tổ chức đảng; town: chỉ gói báo cáo "
                                "tổng hợp gửi Thành ủy / Thị ủy")
    ex_export.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    ex_export.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    ex_import = action.add_parser("import", help="nhập một gói: trả lời của tổ chức đảng, hoặc "
                                                 "báo cáo tổng hợp của một phường")
    ex_import.add_argument("file", type=Path, metavar="FILE.zip")
    ex_import.add_argument("--dry-run", action="store_true",
                           help="chỉ kiểm tra và liệt kê thay đổi, không ghi gì")
    ex_import.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    ex_town = action.add_parser("town", help="báo cáo tổng hợp toàn đảng bộ từ các gói của "
                                             "các phường đã nhập")
    ex_town.add_argument("--year", type=year_arg, required=True, metavar="Y")
    ex_town.add_argument("--out", type=Path, required=True, metavar="OUT.pdf",
                         help="báo cáo (.pdf, hoặc .xlsx)")
    ex_town.add_argument("--members", type=Path, metavar="LIST.xlsx",
                         help="danh sách đảng viên của các phường (.xlsx hoặc .pdf)")
    ex_town.add_argument("--server", type=_database_arg, metavar="URL",
                         help="đọc trực tiếp mọi phường trên máy chủ này (postgresql://…; mặc "
                              "định: máy chủ của --db khi --db là máy chủ), cộng với các gói "
                              "đã nhập của các phường không dùng máy chủ")
    ex_town.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    ex_town.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    ex_wards = action.add_parser("wards", help="các gói báo cáo của phường đã nhập")
    ex_wards.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
