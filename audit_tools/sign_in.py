"""The rules of signing in to a served caseaudit: what a password must be, when a name is
locked and an address slowed, when a session ends, and the sentences people read.

Pure: the hashing, the waiting, the counting and the clock belong to the callers.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from audit_tools.errors import BadInput, Refused
from audit_tools.models import User
from audit_tools.permissions import Facts, Op, require
from audit_tools.settings import Settings

# The same words for an unknown name, a user without a password, a disabled account and a
# wrong password, so the sign-in page never tells anyone which usernames exist.
REFUSED = "That username and password do not match. Check both and try again."

# OWASP ASVS 2.1.1: at least 12 characters; NCSC: length is what makes a password strong.
MIN_LENGTH = 12
# zxcvbn's score (0-4): 3 is "safely unguessable: moderate protection from offline attacks".
MIN_STRENGTH = 3


class SignInRefused(Refused):
    """A sign-in refused: always the same sentence, whatever the reason."""

    def __init__(self) -> None:
        super().__init__(REFUSED)


class SignInLocked(Refused):
    """A name locked after too many failures in a row (the same for names that are nobody's)."""

    def __init__(self, until: datetime) -> None:
        self.until = until
        super().__init__(f"Too many failed sign-ins for this name: it is locked until "
                         f"{until:%H:%M} (UK time). An admin can unlock it sooner.")


class SessionsFull(Refused):
    """A user already has as many sessions open as the setting allows."""

    def __init__(self, allowed: int, where: list[str]) -> None:
        self.where = where
        super().__init__(f"You already have {allowed} caseaudit sessions open, the most allowed. "
                         "Sign out of one of them (the key O, or Sign out in the palette) and "
                         "sign in here again.")


def locks_after(failures_in_a_row: int, settings: Settings) -> bool:
    """Whether a name that has failed this many times in a row is now locked."""
    return failures_in_a_row >= settings.lockout_after_failures


def lock_ends(now: datetime, settings: Settings) -> datetime:
    return now + timedelta(minutes=settings.lockout_minutes)


def address_wait(recent_failures: int, settings: Settings) -> float:
    """Seconds between tries from one address that has failed this often within the window:
    none until the threshold, then a fixed wait a try, so spraying names is slowed."""
    return float(settings.address_delay_seconds) if recent_failures >= settings.address_failures else 0.0


def session_ends_why(started: datetime, last_seen: datetime, now: datetime, settings: Settings) -> str | None:
    """Why a session has ended by time alone ('idle', 'lifetime'), or None while it lives."""
    if now - started >= timedelta(hours=settings.session_lifetime_hours):
        return "lifetime"
    if now - last_seen >= timedelta(minutes=settings.idle_timeout_minutes):
        return "idle"
    return None


ENDED_WORDS = {
    "signed out": "You have signed out.",
    "idle": "Your session ended after a time with nothing typed. Sign in again to go on.",
    "lifetime": "Your session reached its longest allowed time. Sign in again to go on.",
    "disabled": "Your session has ended: your account was stopped by an admin.",
    "password changed": "Your session has ended because your password was changed.",
    "roles changed": "Your session has ended because your roles changed. Sign in again.",
    "removed": "Your session has ended: you are no longer a caseaudit user.",
}


def check_new_password(password: str, again: str, username: str, strength: int,
                       warning: str = "") -> None:
    """Refuse an empty, short, guessable or mistyped new password, saying what to do.

    `strength` is the offline strength checker's score (0-4) of the password with the
    username and display name as known words; `warning` its reason, if it gave one.
    """
    if not password.strip():
        raise BadInput(f"the password is empty; type a password of at least {MIN_LENGTH} characters")
    if password != again:
        raise BadInput("the two passwords differ; nothing was changed, try again")
    if len(password) < MIN_LENGTH:
        raise BadInput(f"the password is shorter than {MIN_LENGTH} characters; "
                       "a longer one (a few unrelated words together) is stronger")
    if username and username.casefold() in password.casefold():
        raise BadInput("the password contains the username; choose one that does not")
    if strength < MIN_STRENGTH:
        why = f" ({warning.rstrip('.')})" if warning else ""
        raise BadInput(f"the password is too easy to guess{why}; "
                       "a few unrelated words together make a strong one")


def may_set_password(actor: User | None, username: str) -> None:
    """An admin sets anyone's password; everyone else only their own (the one policy says)."""
    require(actor, Op.set_password, Facts(target=username))
