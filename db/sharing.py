"""Who on the machine may open caseaudit's files: the owner only (0600), or a group the
council chose (`caseaudit init --group NAME`: 0660, owned by that group)."""

from __future__ import annotations

import grp
import os
import stat
from pathlib import Path

from audit_tools.errors import BadInput

SHARED_FILE = 0o660
SHARED_FOLDER = 0o770


def group_id(group: str) -> int:
    try:
        return grp.getgrnam(group).gr_gid
    except KeyError:
        raise BadInput(f"--group {group}: no such group on this machine; create it first "
                       "(groupadd) and add the people who audit to it") from None


def share(path: Path, group: str) -> None:
    """Give `path` (a file, or a folder and the files in it) to `group`, read and write."""
    gid = group_id(group)
    targets = [path, *path.iterdir()] if path.is_dir() else [path]
    for target in targets:
        try:
            os.chown(target, -1, gid)
            os.chmod(target, SHARED_FOLDER if target.is_dir() else SHARED_FILE)
        except PermissionError:
            raise BadInput(f"{target}: cannot give it to the group {group}: only its owner (or root), "
                           "who must be in that group, can") from None


def share_database(path: Path, group: str) -> None:
    """The database and, while open, its -wal and -shm files (SQLite gives new ones its mode)."""
    for name in (str(path), f"{path}-wal", f"{path}-shm"):
        if os.path.exists(name):
            share(Path(name), group)


def folder_warnings(path: Path, group: str) -> list[str]:
    """What about the database's folder would keep the group out, or let others in."""
    folder = path.resolve().parent
    info = folder.stat()
    found = []
    if info.st_mode & (stat.S_IROTH | stat.S_IWOTH | stat.S_IXOTH):
        found.append(f"{folder}: the folder lets every account on this machine in (mode "
                     f"{stat.filemode(info.st_mode)}); chmod o-rwx {folder}")
    if info.st_gid != group_id(group) or not info.st_mode & stat.S_ISGID:
        found.append(f"{folder}: give the folder to the group so the -wal and -shm files SQLite "
                     f"makes there are the group's too: chgrp {group} {folder} && chmod 2770 {folder}")
    return found


PRIVATE_FOLDER = 0o700


def private_folder(folder: str | Path) -> Path:
    """`folder`, made if missing with any missing parents, each folder caseaudit makes the
    owner's only (0700) whatever the umask. A folder that exists is left as it is (`verify`
    says if the database's lets others in)."""
    folder = Path(folder)
    missing = []
    probe = folder
    while not os.path.lexists(probe) and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for made in reversed(missing):
        try:
            os.mkdir(made, PRIVATE_FOLDER)
        except FileExistsError:
            continue  # made meanwhile by another caseaudit: theirs to have set
        os.chmod(made, PRIVATE_FOLDER)  # exact, whatever the umask
    return folder
