"""`caseaudit init`, `verify` and `backup`: creating, checking and copying the database."""

from __future__ import annotations

import argparse
import pwd
import sys
from pathlib import Path

from audit_tools.errors import BadInput, CheckFailed
from audit_tools.standards.catalogue import read_catalogue_file
from caseaudit.cli.options import db_path
from caseaudit.services.outputs import output_for
from caseaudit.services.setup import keep_default_catalogue
from db import current_username, open_store
from db.sharing import folder_warnings, group_id, share_database
from db.maintenance import anchor_problem_of_file, backup_file, exposure, verify_file
from db.maintenance import history_head as history_head_of


def _display_name(username: str) -> str:
    try:
        gecos = pwd.getpwnam(username).pw_gecos.split(",")[0].strip()
    except KeyError:
        gecos = ""
    return gecos or username


def init(args: argparse.Namespace) -> int:
    """Create or migrate the database; the person running it becomes the first admin."""
    path = db_path(args)
    if path.is_dir():
        raise BadInput(f"{path}: is a folder; give a database file name with --db")
    catalogue_text = read_catalogue_file(args.standards) if getattr(args, "standards", None) else None
    group = getattr(args, "group", None)
    if group:
        group_id(group)  # an unknown group is bad input before anything is written
    existed = path.exists()
    username = current_username()
    store = open_store(path, username)
    made_admin = store.people.ensure_admin(_display_name(username))
    if catalogue_text is not None:
        name, version = store.reference.store_catalogue(catalogue_text, where=str(args.standards))
        print(f"standards catalogue {name} {version} stored")
    else:
        keep_default_catalogue(store)
    if group:
        store.reference.set_setting("file_group", group)
        share_database(path, group)
        print(f"shared with the group {group}: the database, backups and exports are 0660, owned by it")
        for warning in folder_warnings(path, group):
            print(f"caseaudit: warning: {warning}", file=sys.stderr)
    print(f"database {'ready' if existed else 'created'}: {path}")
    if made_admin:
        print(f"{username} is the first admin")
    if getattr(args, "sample", False):
        try:
            from sample_audits import load_sample  # lazy: only `init --sample` reads the sample department
        except ImportError:
            raise BadInput("the sample data is not available in this installation") from None
        counts = load_sample(store)
        print("sample data loaded: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
    return 0


def _existing_database(path: Path) -> None:
    if not path.exists():
        raise BadInput(f"{path}: no database there; run `caseaudit init` first or give --db")
    if path.is_dir():
        raise BadInput(f"{path}: is a folder, not a database file")


def verify(args: argparse.Namespace) -> int:
    """SQLite's integrity check, the history chain, the heads it records and every table of the
    record against it; exit 1 with one line per finding."""
    path = db_path(args)
    _existing_database(path)
    progress = None
    if getattr(args, "progress", False) or sys.stderr.isatty():
        def progress(text: str) -> None:
            print(f"verify: {text}", file=sys.stderr, flush=True)
    result = verify_file(path, progress)
    for warning in exposure(path):  # a finding about the deployment, not the data: exit 0
        print(f"caseaudit: warning: {warning}", file=sys.stderr)
    problems = result.findings
    if getattr(args, "against", None) and result.broken_entry is None:
        problem = anchor_problem_of_file(path, *args.against)
        if problem:
            problems.append(f"history: {problem}")
    if problems:
        raise CheckFailed(*problems)
    print(f"database and history chain OK ({result.entries} entries; latest hash {result.last_hash}; "
          f"{result.covered} tables match it)")
    if getattr(args, "against", None):
        print(f"the history up to entry {args.against[0]} is the one published with that head")
    return 0


def backup(args: argparse.Namespace) -> int:
    """A consistent copy made with SQLite's online backup, while others carry on writing."""
    path = db_path(args)
    _existing_database(path)
    if not str(args.dest).strip():
        raise BadInput("give a file name for the backup, e.g. caseaudit backup caseaudit-copy.db")
    dest = Path(args.dest)
    if dest.is_dir() and not dest.is_symlink():
        raise BadInput(f"{dest}: is a folder; give a new file name for the backup, "
                       f"e.g. {dest / 'caseaudit-backup.db'}")
    if not dest.parent.is_dir():
        raise BadInput(f"{dest.parent}: no such folder for the backup")
    entries = backup_file(path, output_for(path, dest, force=getattr(args, "force", False)))
    print(f"backup written to {dest} ({entries} history entries)", file=sys.stdout)
    return 0


def history_head(args: argparse.Namespace) -> int:
    """The newest history entry as ENTRY:HASH, to note down outside the file."""
    path = db_path(args)
    _existing_database(path)
    entry, digest = history_head_of(path)
    print(f"{entry}:{digest}")
    return 0
