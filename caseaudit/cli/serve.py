"""`caseaudit serve` (the app in web browsers), `caseaudit passwd`, and the session entry.

`serve` runs textual-serve: each browser session starts its own app process with the
command `python -m caseaudit --db PATH serve-session`, all on the same database file,
and each session starts at the sign-in screen.
"""

from __future__ import annotations

import argparse
import getpass
import ipaddress
import shlex
import sys
from pathlib import Path

from audit_tools.errors import BadInput
from caseaudit.cli import db_path
from caseaudit.services import sign_in as sign_in_service
from db import current_username, open_store

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def _existing_database(path: Path) -> None:
    if not path.exists():
        raise BadInput(f"{path}: no caseaudit database here yet; an admin creates it with `caseaudit init`")
    if path.is_dir():
        raise BadInput(f"{path}: is a folder, not a database file")


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _ask(prompt: str) -> str:
    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise BadInput("no password was typed; nothing was changed") from None


def passwd(args: argparse.Namespace) -> int:
    """Set a user's password for `caseaudit serve`: asked twice, never echoed."""
    path = db_path(args)
    _existing_database(path)
    me = current_username()
    username = (args.username or me).strip()
    store = open_store(path, me)
    sign_in_service.check_may_set_password(store, username)  # before asking for anything
    password = _ask(f"New password for {username}: ")
    again = _ask("The same password again: ")
    sign_in_service.set_password(store, username, password, again)
    print(f"password set for {username}; they can sign in with `caseaudit serve`")
    return 0


def session_command(path: Path, standards: str | None = None) -> str:
    """The shell command each browser session runs (textual-serve runs it through a shell)."""
    words = [sys.executable, "-m", "caseaudit", "--db", str(path.resolve())]
    if standards:
        words += ["--standards", str(Path(standards).resolve())]
    return shlex.join([*words, "serve-session"])


def serve(args: argparse.Namespace) -> int:
    """Serve the app to web browsers, every session starting at the sign-in screen."""
    from textual_serve.server import Server

    path = db_path(args)
    _existing_database(path)
    if not 0 < args.port < 65536:
        raise BadInput(f"--port {args.port}: give a port number from 1 to 65535")
    host = args.host.strip()
    if not host:
        raise BadInput("--host is empty; give an address to listen on, e.g. 127.0.0.1")
    standards = _checked_standards(args)
    store = open_store(path, sign_in_service.SIGNING_IN)  # brings the file up to date once, here
    with_password = sign_in_service.count_passwords(store)
    store.close()

    where = f"http://{host}:{args.port}/" if ":" not in host else f"http://[{host}]:{args.port}/"
    print(f"caseaudit: serving {path} to web browsers at {where}", flush=True)
    if not is_loopback(host):
        print(f"caseaudit: warning: {host} is not this machine's loopback address. Passwords and case "
              "details would cross the network in plain text: put it behind HTTPS (a reverse proxy "
              "that terminates TLS) and give that address with --public-url.", file=sys.stderr, flush=True)
    if not with_password:
        print("caseaudit: no user has a password yet, so nobody can sign in: set one with "
              "`caseaudit passwd USERNAME`", file=sys.stderr, flush=True)
    server = Server(session_command(path, standards), host=host, port=args.port, title="caseaudit",
                    public_url=args.public_url or None)
    try:
        server.serve()
    except OSError as err:
        raise BadInput(f"cannot listen on {host} port {args.port}: {err.strerror or err}") from None
    return 0


def _checked_standards(args: argparse.Namespace) -> str | None:
    """--standards, checked now so a bad catalogue is told here, not in every browser session."""
    standards = getattr(args, "standards", None)
    if standards:
        from audit_tools.standards import load_catalogue

        load_catalogue(standards)
    return standards


def serve_session(args: argparse.Namespace) -> int:
    """One browser session's app (run by textual-serve, not by people): sign-in first."""
    from tui.served import make_served_app

    path = db_path(args)
    _existing_database(path)
    app = make_served_app(path, catalogue_path=getattr(args, "standards", None))
    app.run()
    return int(app.return_code or 0)
