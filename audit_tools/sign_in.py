"""The rules of signing in to a served caseaudit: what a password must be, how long a
failed name waits before its next try, and the one sentence a refused sign-in gets.

Pure: the hashing, the waiting and the counting are done by the callers.
"""

from __future__ import annotations

from audit_tools.errors import BadInput, Refused
from audit_tools.models import User

# The same words for an unknown name, a user without a password and a wrong password,
# so the sign-in screen never tells anyone which usernames exist.
REFUSED = "That username and password do not match. Check both and try again."

# NCSC guidance: length is what makes a password strong; at least 8 characters.
MIN_LENGTH = 8

FIRST_DELAY = 0.5  # seconds before the try after the first failure
MAX_DELAY = 16.0  # the wait never grows beyond this


class SignInRefused(Refused):
    """A sign-in refused: always the same sentence, whatever the reason."""

    def __init__(self) -> None:
        super().__init__(REFUSED)


def delay_before_try(failures: int) -> float:
    """Seconds to wait before checking a password for a name that has failed `failures`
    times in a row: none at first, then 0.5 s doubling with each failure, capped."""
    if failures <= 0:
        return 0.0
    return min(FIRST_DELAY * 2 ** min(failures - 1, 32), MAX_DELAY)


def check_new_password(password: str, again: str) -> None:
    """Refuse an empty, short or mistyped new password, in a sentence that says what to do."""
    if not password.strip():
        raise BadInput("the password is empty; type a password of at least "
                       f"{MIN_LENGTH} characters")
    if password != again:
        raise BadInput("the two passwords differ; nothing was changed, try again")
    if len(password) < MIN_LENGTH:
        raise BadInput(f"the password is shorter than {MIN_LENGTH} characters; "
                       "a longer one (a few words together) is stronger")


def may_set_password(actor: User | None, username: str) -> None:
    """An admin sets anyone's password; everyone else only their own (the policy's rule)."""
    from audit_tools.permissions import Facts, Op, require

    require(actor, Op.set_password, Facts(target=username))
