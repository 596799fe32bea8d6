"""Served sessions: which browser session is live, when it ends, and the single-use token
that starts an app process as the session's user.

A session is live while it is within its idle time and its lifetime (settings), its user
is still a user, not disabled, with the password and the roles the session was opened
with. Whoever looks at a session that is no longer live ends it, with the history saying
why: the server looks at every open session at least once a minute, so a disabled
account, a changed password or a change of roles ends a session within a minute.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from audit_tools.errors import Refused
from audit_tools.models import User
from audit_tools.permissions import Op
from audit_tools.settings import Settings
from audit_tools.sign_in import session_ends_why
from caseaudit.services import access
from db import LONDON, passwords, served
from db.served import SessionRow
from db.store import Store

# How the server hands the token to the app process: in its environment, never on the command
# line (`ps` shows arguments to every account on the machine).
TOKEN_VARIABLE = "CASEAUDIT_SESSION_TOKEN"
USER_VARIABLE = "CASEAUDIT_SESSION_USER"
TOKEN_SECONDS = 15  # an app process starts within this, or its token is spent

NOT_STARTED_BY_SERVER = ("serve-session starts the app for a browser that has signed in to `caseaudit serve`; "
                         "it is not run by hand. Sign in through the browser instead")


@dataclass(frozen=True)
class LiveSession:
    id_hash: str
    user: User
    csrf: str


def where_words(row: SessionRow) -> str:
    """Where a session is open, in words its owner recognises."""
    started = row.started_at.astimezone(LONDON)
    seen = row.last_seen_at.astimezone(LONDON)
    return (f"{_browser_words(row.browser)} from {row.address}, signed in {started:%d %b %H:%M}, "
            f"last active {seen:%H:%M}")


def _browser_words(agent: str) -> str:
    for name in ("Edg", "Firefox", "Chrome", "Chromium", "Safari"):
        if name in agent:
            browser = {"Edg": "Edge"}.get(name, name)
            break
    else:
        browser = "a browser"
    for system in ("Windows", "Mac OS", "Linux", "Android", "iPhone", "iPad", "CrOS"):
        if system in agent:
            return f"{browser} on {system.replace('Mac OS', 'macOS').replace('CrOS', 'ChromeOS')}"
    return browser


def _why_not_live(store: Store, row: SessionRow, now: datetime, settings: Settings) -> str | None:
    if row.ended_at is not None:
        return row.ended_why or "ended"
    why = session_ends_why(row.started_at, row.last_seen_at, now, settings)
    if why:
        return why
    user = store.people.get(row.username)
    if user is None:
        return "removed"
    if passwords.is_disabled(store, row.username):
        return "disabled"
    if passwords.password_mark(passwords.password_hash(store, row.username)) != row.password_mark:
        return "password changed"
    if sorted(r.value for r in user.roles) != sorted(row.roles):
        return "roles changed"
    return None


def _look(store: Store, id_hash: str) -> tuple[SessionRow | None, str | None]:
    """The session and why it is not live (None: live), ending it if it has just stopped."""
    row = served.get_session(store, id_hash)
    if row is None:
        return None, "unknown"
    now = store.now()
    why = _why_not_live(store, row, now, store.reference.settings())
    if why and row.ended_at is None:
        served.end_session(store, id_hash, now, why)
    return row, why


def live(gate: Store, session_id: str | None) -> LiveSession | None:
    """The live session whose cookie holds `session_id`, else None."""
    if not session_id:
        return None
    return live_by_hash(gate, served.digest(session_id))


def live_by_hash(gate: Store, id_hash: str) -> LiveSession | None:
    row, why = _look(gate, id_hash)
    if row is None or why:
        return None
    user = gate.people.get(row.username)
    assert user is not None
    return LiveSession(id_hash, user, row.csrf)


def why_ended(gate: Store, session_id: str | None) -> str | None:
    """Why the cookie's session is not live ('signed out', 'idle', ...), None if it is or
    if there is no such session."""
    if not session_id:
        return None
    row, why = _look(gate, served.digest(session_id))
    return why if row is not None else None


def touch(gate: Store, id_hash: str) -> None:
    """Something was typed or asked for in this session: its idle time starts again."""
    served.touch_session(gate, id_hash, gate.now())


def sign_out(gate: Store, session_id: str | None) -> bool:
    if not session_id:
        return False
    return sign_out_hash(gate, served.digest(session_id))


def sign_out_hash(gate: Store, id_hash: str) -> bool:
    return served.end_session(gate, id_hash, gate.now(), "signed out") is not None


def live_elsewhere(store: Store, username: str, now: datetime, settings: Settings) -> list[SessionRow]:
    """The user's sessions still live (ending those that are not); inside a transaction."""
    found = []
    for row in served.open_sessions(store, username):
        why = _why_not_live(store, row, now, settings)
        if why:
            served.end_session(store, row.id_hash, now, why)
        else:
            found.append(row)
    return found


def end_sessions_of(store: Store, username: str, why: str, keep: str | None = None) -> int:
    """End every open session of `username` (but `keep`, a session id hash) now."""
    now = store.now()
    ended = 0
    with store.transaction():
        for row in served.open_sessions(store, username):
            if row.id_hash != keep and served.end_session(store, row.id_hash, now, why):
                ended += 1
    return ended


def sweep(gate: Store) -> set[str]:
    """Look at every open session (ending those past their time or whose account changed)
    and remove what is past keeping; returns the id hashes no longer live."""
    settings = gate.reference.settings()
    served.purge(gate, gate.now(), settings.sign_in_retention_days)
    gone = set()
    for row in served.open_sessions(gate):
        if _look(gate, row.id_hash)[1]:
            gone.add(row.id_hash)
    return gone


def open_session_count(gate: Store) -> int:
    return len(served.open_sessions(gate))


# -- the app process's token -------------------------------------------------------------------

def issue_app_token(gate: Store, session: LiveSession, issued_by: str) -> str:
    """A token the app process for `session` redeems once, within TOKEN_SECONDS, run by
    the same operating-system account (`issued_by`) as the server."""
    return served.issue_token(gate, session.id_hash, session.user.username, issued_by,
                              gate.now() + timedelta(seconds=TOKEN_SECONDS))


def redeem_app_token(gate: Store, token: str | None, claimed: str | None, run_by: str) -> tuple[Store, User, str]:
    """Start as the token's user: (store acting as them, the user, the session's id hash).

    Refused with no token, an unknown, used or expired one, one issued for another user
    than `claimed`, one issued by another operating-system account than `run_by`, or one
    whose session or account is no longer live."""
    if not token or not claimed:
        raise Refused(f"no sign-in token: {NOT_STARTED_BY_SERVER}")
    now = gate.now()
    row = served.spend_token(gate, token, now)
    if row is None:
        raise Refused(f"that sign-in token is not one caseaudit issued: {NOT_STARTED_BY_SERVER}")
    if row.used_at is not None:
        raise Refused(f"that sign-in token has been used already: {NOT_STARTED_BY_SERVER}")
    if row.expires_at <= now:
        raise Refused(f"that sign-in token has expired: {NOT_STARTED_BY_SERVER}")
    if row.username != claimed or row.issued_by != run_by:
        with gate.transaction():
            gate.session.record("sign-in token refused", {"issued_for": row.username, "claimed": claimed,
                                                          "run_by": run_by})
        raise Refused(f"that sign-in token was issued for someone else: {NOT_STARTED_BY_SERVER}")
    session = live_by_hash(gate, row.session_hash)
    if session is None or session.user.username != row.username:
        raise Refused("the browser session this token was issued for has ended; sign in again")
    return gate.clone(actor=row.username), session.user, row.session_hash


# -- lockouts on the admins' dashboard -----------------------------------------------------------

@dataclass(frozen=True)
class LockoutLine:
    id: int
    words: str


def lockouts_to_see(store: Store) -> list[LockoutLine]:
    """Lockouts not yet acknowledged, for an admin's dashboard (empty for anyone else)."""
    if not access.may(store, Op.unlock_account):  # the policy's: whoever may lift a lockout sees them
        return []
    lines = []
    for lockout in passwords.open_lockouts(store):
        at = datetime.fromisoformat(lockout.at).astimezone(LONDON)
        until = datetime.fromisoformat(lockout.until).astimezone(LONDON)
        who = lockout.username or "a name that is no caseaudit user's"
        lines.append(LockoutLine(lockout.id, f"{at:%d %b %H:%M}: {who} locked until {until:%H:%M} "
                                             "after failed sign-ins"))
    return lines


def acknowledge_lockouts(store: Store, ids: list[int]) -> int:
    """An admin has seen these lockouts; asked of the policy here, as the store asks again."""
    access.require(store, Op.unlock_account)  # seeing to lockouts is the unlocking admins' work
    return passwords.acknowledge_lockouts(store, ids)
