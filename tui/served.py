"""The app as served to a web browser (`caseaudit serve`), already signed in.

The person signed in on the server's sign-in page before this process started; the
server wrote a single-use token for their session to the database, and this process
redeemed it (caseaudit.services.served.redeem_app_token) to run as that user with that
user's roles, exactly as `caseaudit` at a terminal. Two keys are the browser's own: O (shift+o)
signs out (ending the session, not only this app) and W opens the page to change one's
own password. The server ends the app when the session ends for any other reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TYPE_CHECKING

from textual.binding import Binding

from audit_tools.models import User
from audit_tools.standards import load_catalogue
from caseaudit.services.served import redeem_app_token, sign_out_hash
from caseaudit.services.sign_in import SIGNING_IN
from db import open_store
from tui.app import CaseauditApp

if TYPE_CHECKING:
    from db.store import Store


class ServedApp(CaseauditApp):
    """CaseauditApp for one signed-in browser session."""

    BINDINGS = [
        Binding("O", "sign_out", "Sign out", id="sign_out", key_display="O"),
        Binding("W", "change_password", "Change my password", id="change_password", show=False, key_display="W"),
    ]
    REMEMBERS_PREFERENCES = False  # one server account for every browser: no one's theme to keep
    DELIVERS_FILES = True  # reports and refused rows go to the browser; nothing is written here

    def __init__(self, store: Store, user: User, catalogue: Any, session_hash: str,
                 files: str | Path | None = None) -> None:
        super().__init__(store=store, user=user, catalogue=catalogue)
        self.session_hash = session_hash
        self.files = Path(files) if files else None  # `serve --files DIR`: imports are chosen from it

    def action_sign_out(self) -> None:
        """End this browser session (every tab of it), then the page shows the sign-in page."""
        sign_out_hash(self.store, self.session_hash)
        self.exit(0)

    def action_change_password(self) -> None:
        """The password page is the server's own (current, then new twice); this app closes."""
        self.open_url("/account/password", new_tab=False)


def make_served_app(db_path: str | Path, token: str | None, claimed: str | None, run_by: str,
                    catalogue_path: str | Path | None = None, files: str | Path | None = None) -> ServedApp:
    """The served app for the session whose token this is; Refused when it is not valid."""
    gate = open_store(db_path, actor=SIGNING_IN)
    store, user, session_hash = redeem_app_token(gate, token, claimed, run_by)
    gate.close()
    catalogue = load_catalogue(catalogue_path) if catalogue_path is not None else store.reference.catalogue_for()
    return ServedApp(store=store, user=user, catalogue=catalogue, session_hash=session_hash, files=files)
