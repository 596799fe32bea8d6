"""The audit form's submission and amendments: submit asks the domain rules, lists every
unmet rule at once and puts the cursor on the first; a submitted audit is read-only, and
is corrected by an amendment with a reason (tui/screens/audit_form.py is the form itself).
"""

from __future__ import annotations

from typing import Any

from textual import work

from audit_tools.calendar import format_day
from audit_tools.models import Audit
from caseaudit.services import audits as audit_service
from tui.screens.audit_form_base import AuditFormBase
from tui.screens.audit_form_mode import FormMode
from tui.navigation import OpenAmendmentTrail, RaiseConcern
from tui.widgets.prompts import AskText


class AuditFormSubmitting(AuditFormBase):
    """Submitting the audit, and amending it once submitted."""

    def action_submit(self) -> None:
        if not self.mode.submittable:
            return
        audit = self.build_audit()
        problems = self._rule_problems(audit)
        if problems:
            self._refuse(problems, "Not submitted")
            return
        self._show_problems([])
        if self._autosave is not None:
            self._autosave.stop()
            self._autosave = None
        self.submit(audit, self.revision)

    @work(thread=True, exclusive=True, exit_on_error=False, group="submit")
    def submit(self, audit: Audit, revision: int | None) -> Audit:
        return audit_service.submit_audit(self.app.store, audit, revision)

    def _now_submitted(self, audit: Audit) -> None:
        """The form shows `audit` as stored and submitted: read-only, nothing unsaved."""
        self.audit = audit
        self.plan.now_stored(audit.actions)
        self.mode = FormMode.SUBMITTED
        self.dirty = False
        self._refresh_header()
        self._apply_read_only()
        self.refresh_bindings()

    def _submitted(self, audit: Audit) -> None:
        self._now_submitted(audit)
        self._set_state(f"Submitted {format_day(audit.submitted_on)}: read-only now; "
                        "ctrl+e amends it with a reason.")
        self.notify(f"Audit {audit.audit_id} submitted.", title="Submitted")

    # --- amendments ------------------------------------------------------------------

    def action_raise_concern(self) -> None:
        self.post_message(RaiseConcern(self.case.case_ref if self.case else None, self.audit_id))

    def action_amend(self) -> None:
        if self.mode is not FormMode.SUBMITTED or not self.may_amend:
            return
        self.mode = FormMode.AMENDING
        self.dirty = False
        self._apply_read_only()
        self._refresh_header()
        self.refresh_bindings()
        self._set_state("Amending: change what needs correcting, then ctrl+s to save with a reason.")

    def _ask_amendment(self) -> None:
        before, _case = self.opened()
        after = self.build_audit()
        changes = audit_service.audit_changes(before, after)
        if not changes:
            self.notify("Nothing has changed yet, so there is nothing to amend.", severity="warning")
            return
        # The amended audit must still be one submission would accept.
        problems = self._rule_problems(after)
        if problems:
            self._refuse(problems, "Not amended")
            return
        self._show_problems([])

        def answered(reason: str | None) -> None:
            if reason:
                self.amend(before.audit_id, changes, reason)

        self.app.push_screen(AskText("Why are you amending this submitted audit? (kept in its history)",
                                     placeholder="reason for the amendment"), answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="amend")
    def amend(self, audit_id: str, changes: dict[str, Any], reason: str) -> tuple[Audit, str]:
        audit = audit_service.amend_audit(self.app.store, audit_id, changes, reason)
        return audit, audit_service.amended_summary(self.app.store, audit)

    def _amended(self, audit: Audit, amended: str) -> None:
        self.amended = amended
        self._now_submitted(audit)
        self.notify("Amendment saved with its reason; ctrl+l shows every amendment.", title="Amended")

    def action_amendment_trail(self) -> None:
        if self.amended and self.audit is not None:
            self.post_message(OpenAmendmentTrail(self.audit.audit_id))
