"""`caseaudit serve` (the app in web browsers), `caseaudit passwd`, and the session entry.

`serve` runs caseaudit's web server (caseaudit.web.server): a sign-in page first; each
signed-in browser then starts its own app process with the command
`python -m caseaudit --db PATH serve-session`, which starts only with the single-use
token the server wrote for that session.
"""

from __future__ import annotations

import argparse
import getpass
import ipaddress
import os
import shlex
import sys
from pathlib import Path
from urllib.parse import urlsplit

from audit_tools.errors import BadInput
from audit_tools.standards import load_catalogue
from caseaudit.cli.options import db_path
from caseaudit.services import sign_in as sign_in_service
from caseaudit.services.served import TOKEN_VARIABLE, USER_VARIABLE
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
    """Set a user's password for `caseaudit serve` (asked twice, never echoed), or, for an
    admin, unlock, disable or enable an account."""
    path = db_path(args)
    _existing_database(path)
    me = current_username()
    username = (args.username or me).strip()
    store = open_store(path, me)
    if getattr(args, "unlock", False):
        was = sign_in_service.unlock(store, username)
        print(f"{username} is unlocked" if was else f"{username} was not locked; nothing else changed")
        return 0
    if getattr(args, "disable", False) or getattr(args, "enable", False):
        disable = bool(args.disable)
        changed = sign_in_service.set_disabled(store, username, disable)
        if disable:
            print(f"{username} is disabled: they cannot sign in, and their open sessions end within a minute"
                  if changed else f"{username} was already disabled")
        else:
            print(f"{username} is enabled again" if changed else f"{username} was not disabled")
        return 0
    sign_in_service.check_may_set_password(store, username)  # before asking for anything
    password = _ask(f"New password for {username}: ")
    again = _ask("The same password again: ")
    sign_in_service.set_password(store, username, password, again)
    print(f"password set for {username}; they can sign in with `caseaudit serve`")
    return 0


def session_command(path: Path, standards: str | None = None, files: Path | None = None) -> str:
    """The shell command each browser session runs (textual-serve runs it through a shell)."""
    words = [sys.executable, "-m", "caseaudit", "--db", str(path.resolve())]
    if standards:
        words += ["--standards", str(Path(standards).resolve())]
    # The session lists --files for an import to choose from: no path is typed on the server.
    return shlex.join([*words, "serve-session", *(["--files", str(files)] if files else [])])


def check_exposure(host: str, public_url: str | None, proxies: list[str], insecure: bool) -> None:
    """A network address needs HTTPS in front and a proxy to trust, unless a lab says otherwise."""
    if public_url:
        parts = urlsplit(public_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise BadInput(f"--public-url {public_url}: give the address browsers use, e.g. "
                           "https://caseaudit.example.gov.uk")
    for proxy in proxies:
        try:
            ipaddress.ip_address(proxy)
        except ValueError:
            raise BadInput(f"--trusted-proxy {proxy}: give the proxy's IP address, e.g. 10.0.0.5") from None
    if is_loopback(host) or insecure:
        return
    if not public_url or urlsplit(public_url).scheme != "https":
        raise BadInput(f"--host {host} is a network address: browsers must reach caseaudit through HTTPS. "
                       "Give the https address with --public-url and the proxy with --trusted-proxy "
                       "(or bind 127.0.0.1 behind a proxy on this machine); --insecure-http is for a lab only")
    if not proxies:
        raise BadInput(f"--host {host} is a network address: give --trusted-proxy ADDR, the reverse proxy "
                       "that terminates HTTPS, so nothing else can connect past it")


def serve(args: argparse.Namespace) -> int:
    """Serve the app to web browsers: a sign-in page first, then the app."""
    # lazy: the web server (aiohttp, textual-serve) is loaded only by `serve`, not by a browser's session
    from caseaudit.web.server import CaseauditServer, ServeOptions
    from caseaudit.web.server import serve as run_server

    path = db_path(args)
    _existing_database(path)
    if not 0 < args.port < 65536:
        raise BadInput(f"--port {args.port}: give a port number from 1 to 65535")
    host = args.host.strip()
    if not host:
        raise BadInput("--host is empty; give an address to listen on, e.g. 127.0.0.1")
    proxies = list(getattr(args, "trusted_proxy", []) or [])
    insecure = bool(getattr(args, "insecure_http", False))
    check_exposure(host, args.public_url, proxies, insecure)
    standards = _checked_standards(args)
    files = _checked_files(getattr(args, "files", None))
    gate = open_store(path, sign_in_service.SIGNING_IN)  # brings the file up to date once, here
    with_password = sign_in_service.count_passwords(gate)

    where = args.public_url or (f"http://{host}:{args.port}/" if ":" not in host else f"http://[{host}]:{args.port}/")
    print(f"caseaudit: serving {path} to web browsers at {where}", flush=True)
    if not is_loopback(host) and insecure:
        print(f"caseaudit: warning: {host} is not this machine's loopback address and --insecure-http is given: "
              "passwords and case details cross the network in plain text. Use this in a lab only.",
              file=sys.stderr, flush=True)
    if not with_password:
        print("caseaudit: no user has a password yet, so nobody can sign in: set one with "
              "`caseaudit passwd USERNAME`", file=sys.stderr, flush=True)
    server = CaseauditServer(gate, ServeOptions(
        command=session_command(path, standards, files), host=host, port=args.port, public_url=args.public_url or None,
        trusted_proxies=tuple(proxies), os_user=current_username(), files=files))
    try:
        run_server(server)
    except OSError as err:
        raise BadInput(f"cannot listen on {host} port {args.port}: {err.strerror or err}") from None
    return 0


def _checked_files(folder: str | None) -> Path | None:
    """--files: an existing folder, which uploads go into (each file 0600)."""
    if not folder:
        return None
    path = Path(folder).resolve()
    if not path.is_dir():
        raise BadInput(f"--files {folder}: not a folder; create it first (owner-only: mkdir -m 700 {folder})")
    return path


def _checked_standards(args: argparse.Namespace) -> str | None:
    """--standards, checked now so a bad catalogue is told here, not in every browser session."""
    standards = getattr(args, "standards", None)
    if standards:
        load_catalogue(standards)
    return standards


def serve_session(args: argparse.Namespace) -> int:
    """One browser session's app, started by `caseaudit serve` with a single-use token."""
    from tui.served import make_served_app  # lazy: `serve` itself never needs Textual, only a session does

    path = db_path(args)
    _existing_database(path)
    token = os.environ.pop(TOKEN_VARIABLE, None)  # not passed on to anything this process starts
    claimed = os.environ.pop(USER_VARIABLE, None)
    app = make_served_app(path, token, claimed, current_username(), catalogue_path=getattr(args, "standards", None),
                          files=getattr(args, "files", None))
    app.run()
    return int(app.return_code or 0)
