"""The entry point behind ``main.py``: parse the command line, then start the window or run one
subcommand.  Subcommands never import Qt, and the heavy libraries are imported inside the branch
that needs them, so ``python main.py search ...`` starts quickly.  Exit status: 0 success, 1 input
or database refused (message on stderr), 2 wrong usage."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from cli.backups import cmd_backup, cmd_restore
from cli.comments import cmd_comments
from cli.common import CommandError, database_path, server_url
from cli.exchange import cmd_exchange
from cli.members import cmd_demo, cmd_export, cmd_import, cmd_search
from cli.parser import build_parser
from cli.printing import cmd_print
from cli.server import cmd_copy, cmd_server, cmd_users
from models.support.logs import log, log_unexpected, setup_logging, unexpected_error_text

COMMANDS = {"demo": cmd_demo, "import": cmd_import, "export": cmd_export,
            "search": cmd_search, "backup": cmd_backup, "restore": cmd_restore,
            "comments": cmd_comments, "print": cmd_print, "exchange": cmd_exchange,
            "server": cmd_server, "users": cmd_users, "copy": cmd_copy}


def _use_utf8_output() -> None:
    # A Windows console may default to a legacy code page that cannot print Vietnamese.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (stream.encoding or "").lower() not in ("utf-8", "utf8"):
            reconfigure(encoding="utf-8", errors="replace")


def _check_outputs(args: Any) -> None:
    """Every file the command will write is checked before anything is read or computed."""
    from models.store import output

    if args.command == "exchange" and args.action == "export":
        return  # a folder: each package is checked before any is written
    for name in ("out", "rejects", "members"):
        value = getattr(args, name, None)
        if isinstance(value, str | Path):
            output.check_target(value, overwrite=bool(getattr(args, "overwrite", False)),
                                backup=args.command == "backup")


def main(argv: list[str] | None = None) -> int:
    _use_utf8_output()
    args = build_parser().parse_args(argv)
    setup_logging()
    if args.command is None:
        url = server_url(args)
        if url is not None:
            from ui.shell.app import run_gui

            return run_gui(url)
        path = database_path(args)
        from models.store.dbcheck import start_check

        precheck = start_check(path) if path.is_file() else None
        from ui.shell.app import run_gui

        return run_gui(path, precheck)
    from models.store import output
    from models.store.dbcheck import DatabaseError

    # the command's name only: its arguments may hold a member's name (search, import)
    log.info("Lệnh %s", " ".join(filter(None, (args.command, getattr(args, "action", None),
                                                 getattr(args, "what", None)))))
    try:
        # whatever the command writes, never onto its own register (nor its companions)
        output.protect(database_path(args))
        _check_outputs(args)
        return COMMANDS[args.command](args)
    except (DatabaseError, CommandError, output.OutputError) as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # whatever read the output stopped reading (| head): nothing went wrong here, and
        # nothing more is said to it (Python's own flush at exit would complain)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as exc:  # a file the command had to read or write
        from models.store.dbcheck import DISK_FULL_MESSAGE
        from models.store.sqlite import is_disk_full

        full = server_url(args) is None and is_disk_full(exc, database_path(args).parent)
        text = DISK_FULL_MESSAGE if full else output.failure(Path(exc.filename or "?"), exc)
        print(f"Lỗi: {text}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Đã dừng theo yêu cầu.", file=sys.stderr)
        return 1
    except Exception as exc:
        log_unexpected(type(exc), exc, exc.__traceback__, f"lệnh {args.command}")
        print(unexpected_error_text(exc), file=sys.stderr)
        return 1
