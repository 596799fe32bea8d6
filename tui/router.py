"""The app's answers to the screens' requests to open another (tui/navigation.py): the one
place that knows which screen class opens what, so the screens never import one another to
move between them. `CaseauditApp` (tui/app.py) is a `Router`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import App
from textual.screen import Screen

from tui.navigation import (OpenAmendmentTrail, OpenAudit, OpenCase, OpenConcern, OpenEscalations, OpenModeration,
                            OpenNewRound, OpenRequest, RaiseConcern, StartAudit)

# Each screen below (and the services it uses) is imported in the handler that opens it:
# heavy and not needed at start-up, where only the dashboard is shown.
if TYPE_CHECKING:
    from audit_tools.models import User


class Router(App[int]):
    """Opens the screen a request names, on top of the asking one (or in its place)."""

    if TYPE_CHECKING:  # what the caseaudit app gives every screen (tui/app.py)
        store: Any
        user: User

        @property
        def today(self) -> date: ...

        def show_problem(self, err: BaseException, title: str = "Not done") -> None: ...

    def _open(self, request: OpenRequest, screen: Screen[Any], then: Callable[[Any], None] | None = None) -> None:
        if request.replace:
            self.switch_screen(screen)
        else:
            self.push_screen(screen, then)

    @on(OpenCase)
    def _case(self, request: OpenCase) -> None:
        from tui.screens.case_detail import CaseDetailScreen

        self._open(request, CaseDetailScreen(request.case_ref))

    @on(OpenAudit)
    def _audit(self, request: OpenAudit) -> None:
        from tui.screens.audit_form import AuditFormScreen

        self._open(request, AuditFormScreen(audit_id=request.audit_id, case_ref=request.case_ref,
                                            round_id=request.round_id))

    @on(OpenAmendmentTrail)
    def _amendment_trail(self, request: OpenAmendmentTrail) -> None:
        from tui.screens.my_audits import AmendmentTrailScreen

        self._open(request, AmendmentTrailScreen(request.audit_id))

    @on(OpenConcern)
    def _concern(self, request: OpenConcern) -> None:
        from tui.screens.concerns import ConcernScreen

        self._open(request, ConcernScreen(request.concern), request.then)

    @on(RaiseConcern)
    def _raise_concern(self, request: RaiseConcern) -> None:
        from tui.screens.concerns import raise_from

        raise_from(self.screen, request.case_ref, request.audit_id, source=request.source)

    @on(OpenModeration)
    def _moderation(self, request: OpenModeration) -> None:
        from tui.screens.moderation.blind import BlindReauditScreen
        from tui.screens.moderation.escalations import ResolveEscalationScreen
        from tui.screens.moderation.reconcile import ReconcileScreen

        if request.state.blind:
            screen: Screen[Any] = BlindReauditScreen(request.audit_id)
        elif request.escalated:  # an escalation waits for the QA lead: opened where it is resolved
            screen = ResolveEscalationScreen(request.audit_id)
        else:
            screen = ReconcileScreen(request.audit_id)
        self._open(request, screen)

    @on(OpenEscalations)
    def _escalations(self, request: OpenEscalations) -> None:
        from tui.screens.moderation.escalations import EscalationsScreen

        self._open(request, EscalationsScreen())

    @on(OpenNewRound)
    def _new_round(self, request: OpenNewRound) -> None:
        from tui.screens.new_round import NewRoundScreen

        self._open(request, NewRoundScreen(), request.then)

    @on(StartAudit)
    def _start_audit(self, request: StartAudit) -> None:
        """Check the user may audit the case (independence, recent audit), then open the form."""
        from caseaudit.services import audits as audit_service
        from tui.screens.audit_form import AuditFormScreen
        from tui.widgets.prompts import Confirm

        case_ref = request.case_ref

        def opened(result: tuple[list[str], str | None, bool]) -> None:
            refusals, warning, blocks = result
            if refusals:
                self.notify("\n".join(refusals), title="You may not audit this case", severity="error",
                            timeout=10)
                return
            if warning and blocks:
                self.notify(warning + "; the service does not allow another audit yet.",
                            title="Not yet", severity="error", timeout=10)
                return
            if warning:
                def go(yes: bool | None) -> None:
                    if yes:
                        self.push_screen(AuditFormScreen(case_ref=case_ref))

                self.push_screen(Confirm(f"{warning}. Audit it again anyway?", yes="Audit anyway",
                                         no="Cancel"), go)
                return
            self.push_screen(AuditFormScreen(case_ref=case_ref))

        def check() -> None:
            try:
                result = audit_service.may_start_audit_of(self.store, self.user, self.today, case_ref)
            except Exception as err:  # told as a sentence on the screen, never a traceback
                self.call_from_thread(self.show_problem, err)
                return
            self.call_from_thread(opened, result)

        self.run_worker(check, thread=True, exit_on_error=False, group="start-audit")
