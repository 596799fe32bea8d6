"""The one navigation place: the app's own keys that open a room (the case list, the actions,
`OTHER_SCREENS`, help), and its answers to the screens' requests to open another
(tui/navigation.py). It alone knows which screen class opens what, so the screens never
import one another to move between them. `CaseauditApp` (tui/app.py) is a `Router`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import App
from textual.screen import Screen

from audit_tools.permissions import Op
from caseaudit.services import access
from tui.navigation import (OpenAmendmentTrail, OpenAudit, OpenCase, OpenConcern, OpenEscalations, OpenModeration,
                            OpenNewRound, OpenRequest, RaiseConcern, StartAudit)

# Each screen (and the services only it uses) is imported where it is first opened:
# heavy and not needed at start-up, where only the dashboard is shown.
if TYPE_CHECKING:
    from audit_tools.models import User
    from db.store import Store  # the type only: screens reach the store through the services

# Screens written elsewhere in tui/screens, imported by name when first opened (one that
# fails is logged and told as a failure, the app stays up): (module, class, what the user
# calls it, the operation it shows). Whether the
# user may open it is the policy's answer, read through the services (caseaudit.services.access).
OTHER_SCREENS: dict[str, tuple[str, str, str, Op]] = {
    "moderation": ("tui.screens.moderation.queue", "ModerationQueueScreen", "Moderation",
                   Op.read_moderation_queue),
    "sampling": ("tui.screens.sampling", "SamplingScreen", "Moderation sampling", Op.read_sampling),
    "allocation": ("tui.screens.allocation", "AllocationScreen", "Monthly allocation", Op.read_allocation),
    "agreement": ("tui.screens.agreement", "AgreementScreen", "Moderation agreement", Op.read_agreement),
    "reports": ("tui.screens.reports", "ReportsScreen", "Quarterly reports", Op.read_quarter_figures),
    "feedback": ("tui.screens.moderation.feedback", "FeedbackScreen", "Moderation feedback",
                 Op.list_my_audits),
    "escalations": ("tui.screens.moderation.escalations", "EscalationsScreen", "Escalations to resolve",
                    Op.list_escalations),
    "my_audits": ("tui.screens.my_audits", "MyAuditsScreen", "My audits", Op.list_my_audits),
    "annex_a": ("tui.screens.annex_a_import", "AnnexAImportScreen", "Annex A import", Op.import_data),
    "rounds": ("tui.screens.rounds", "RoundsScreen", "Thematic rounds", Op.create_round),
    "pack": ("tui.screens.pack", "PackScreen", "Inspection pack", Op.make_pack),
}


class Router(App[int]):
    """Opens the screen a request names, on top of the asking one (or in its place)."""

    if TYPE_CHECKING:  # what the caseaudit app gives every screen (tui/app.py)
        store: Store
        user: User

        @property
        def today(self) -> date: ...

        def show_problem(self, err: BaseException, title: str = "Not done") -> None: ...

        def may(self, op: Op) -> bool: ...

    # --- the app's own keys: the dashboard, the case list, the actions, the other rooms, help

    def _back_to_dashboard(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def action_dashboard(self) -> None:
        self._back_to_dashboard()

    def action_cases(self) -> None:
        # heavy and not needed at start-up: loaded when first opened
        from tui.screens.cases import CasesScreen

        self._back_to_dashboard()
        self.push_screen(CasesScreen())

    def action_actions(self) -> None:
        # heavy and not needed at start-up: loaded when first opened
        from tui.screens.actions import ActionsScreen

        self._back_to_dashboard()
        self.push_screen(ActionsScreen())

    def action_open(self, name: str) -> None:
        module_name, class_name, words, op = OTHER_SCREENS[name]
        if not self.may(op):
            self.notify(f"{words}: {access.refusal(self.store, op)}; ask an admin if you need it.",
                        severity="warning")
            return
        # A screen that fails to import or to open is a fault, not a missing feature: it is
        # logged and told as one, and the app stays up.
        try:
            screen = getattr(importlib.import_module(module_name), class_name)()
        except Exception as err:
            self.show_problem(err, title=f"{words} did not open")
            return
        self._back_to_dashboard()
        try:
            self.push_screen(screen)
        except Exception as err:  # a screen that fails to open must not take the app down
            self.show_problem(err, title=f"{words} did not open")

    def action_help(self) -> None:
        # heavy and not needed at start-up: loaded when first opened
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    # --- what the screens ask for (tui/navigation.py) -----------------------------------


    def _open(self, request: OpenRequest, screen: Screen[Any], then: Callable[[Any], None] | None = None) -> None:
        if request.replace:
            self.switch_screen(screen)
        else:
            self.push_screen(screen, then)

    @on(OpenCase)
    def _case(self, request: OpenCase) -> None:
        # heavy and not needed at start-up: loaded when first opened
        from tui.screens.case_detail import CaseDetailScreen

        self._open(request, CaseDetailScreen(request.case_ref))

    @on(OpenAudit)
    def _audit(self, request: OpenAudit) -> None:
        # heavy and not needed at start-up: loaded when first opened
        from tui.screens.audit_form import AuditFormScreen

        self._open(request, AuditFormScreen(audit_id=request.audit_id, case_ref=request.case_ref,
                                            round_id=request.round_id))

    @on(OpenAmendmentTrail)
    def _amendment_trail(self, request: OpenAmendmentTrail) -> None:
        # heavy and not needed at start-up: loaded when first opened
        from tui.screens.my_audits import AmendmentTrailScreen

        self._open(request, AmendmentTrailScreen(request.audit_id))

    @on(OpenConcern)
    def _concern(self, request: OpenConcern) -> None:
        # heavy and not needed at start-up: loaded when first opened
        from tui.screens.concerns import ConcernScreen

        self._open(request, ConcernScreen(request.concern), request.then)

    @on(RaiseConcern)
    def _raise_concern(self, request: RaiseConcern) -> None:
        # heavy and not needed at start-up: loaded when first opened
        from tui.screens.concerns import raise_from

        raise_from(self.screen, request.case_ref, request.audit_id, source=request.source)

    @on(OpenModeration)
    def _moderation(self, request: OpenModeration) -> None:
        # heavy and not needed at start-up: loaded when first opened
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
        # heavy and not needed at start-up: loaded when first opened
        from tui.screens.moderation.escalations import EscalationsScreen

        self._open(request, EscalationsScreen())

    @on(OpenNewRound)
    def _new_round(self, request: OpenNewRound) -> None:
        # heavy and not needed at start-up: loaded when first opened
        from tui.screens.new_round import NewRoundScreen

        self._open(request, NewRoundScreen(), request.then)

    @on(StartAudit)
    def _start_audit(self, request: StartAudit) -> None:
        """Check the user may audit the case (independence, recent audit), then open the form."""
        # heavy and not needed at start-up: loaded when first opened
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
