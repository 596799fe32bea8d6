"""One standard on the audit form: the engine's evidence, the status, and the override
reason and evidence note the status may need.

The row shows the reason box only when the auditor changes an automatic status, and the
note box only for a status that needs one (or a note already written); which status
needs what is audit_tools' rule, checked again on submission.

An imported audit was scored outside caseaudit: nobody saw the automatic status, so its row
shows the one computed at import beside the score for comparison and never asks why they
differ (product.md, "Historic audits").
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Input, Select, Static

from audit_tools.models import StandardResult, Status
from tui.widgets.form_boxes import FormInput, FormSelect
from tui.words import STATUS_WORDS, evidence_text, status_options

NEEDS_NOTE = (Status.partly_met, Status.not_met)


@dataclass
class StandardValues:
    """What the row holds, as the audit stores it (None or empty where nothing is given)."""

    automatic: Status | None
    status: Status | None
    note: str
    reason: str  # kept only when the status differs from the automatic one


class StandardHeading(Static):
    """The standard's title and, under it, the engine's evidence in the muted colour: one
    widget for both (a form of a dozen standards lays out a dozen fewer)."""

    COMPONENT_CLASSES = {"standard-heading--evidence"}
    DEFAULT_CSS = """
    StandardHeading > .standard-heading--evidence {
        color: $text-muted;
    }
    """

    def __init__(self, title: str, sid: str, result: StandardResult | None) -> None:
        evidence = Content.from_rich_text(evidence_text(result)).stylize_before(".standard-heading--evidence")
        heading = Content.from_rich_text(Text.assemble((title, "bold"), f"  [{sid}]"))
        super().__init__(Content.assemble(heading, "\n", evidence), classes="standard-heading")


class StandardRow(Vertical):
    """A standard, its automatic evidence and the auditor's status, reason and note."""

    def __init__(self, standard, result, status: Status | None, reason: str = "", note: str = "",
                 imported: bool = False, recorded_automatic: Status | None = None) -> None:
        classes = "standard-row"
        if result is not None and result.status is None:
            classes += " judgement"
        elif result is not None and result.late:
            classes += " late"
        super().__init__(classes=classes, id=f"row-{standard.id}")
        self.standard = standard
        self.result = result
        self._start = (status, reason, note)
        self.imported = imported
        self._recorded_automatic = recorded_automatic
        self._select: FormSelect  # built with the row (compose)
        self._boxes: dict[str, FormInput] = {}  # the reason and note boxes built so far

    @property
    def automatic(self) -> Status | None:
        if self.imported:  # kept as computed at import, not worked out again from today's events
            return self._recorded_automatic
        return self.result.status if self.result else None

    def compose(self) -> ComposeResult:
        sid = self.standard.id
        status, reason, note = self._start
        yield StandardHeading(self.standard.title, sid, self.result)
        # An imported row says the automatic status beside the score, so its options need not.
        options = status_options(None if self.imported else self.automatic)
        select = FormSelect(options, prompt="choose a status", compact=True,
                            value=status if status is not None else Select.NULL, id=f"status-{sid}")
        self._select = select
        if self.imported:
            with Horizontal(classes="imported-score"):
                yield select
                yield Static(self._automatic_beside(status), classes="automatic-beside", id=f"automatic-{sid}")
        else:
            yield select
        # Only the boxes the row needs now are built: most rows need neither, and a box is
        # built the first time its status asks for it (then kept, hidden or shown).
        show_reason, show_note = self._needed_boxes(status, reason, note)
        if show_reason:
            yield self._new_box("reason")
        if show_note:
            yield self._new_box("note")

    BOXES = {"reason": "Why you changed the automatic status (needed)",
             "note": "Evidence note: what is missing or late (needed)"}

    def _new_box(self, kind: str) -> FormInput:
        _status, reason, note = self._start
        box = FormInput(reason if kind == "reason" else note, compact=True, placeholder=self.BOXES[kind],
                        id=f"{kind}-{self.standard.id}")
        self._boxes[kind] = box
        return box

    def _automatic_beside(self, status: Status | None) -> Text:
        automatic = self.automatic
        words = STATUS_WORDS[automatic] if automatic is not None else "none (a judgement)"
        # A difference is shown, not called an override: nobody saw the automatic status.
        differs = automatic is not None and status is not None and status != automatic
        return Text(f"automatic: {words}", style="bold" if differs else "dim")

    @on(Select.Changed)
    async def _status_changed(self) -> None:
        # Not stopped: the form counts the change as the auditor's work too.
        await self.show_needed_boxes()
        if self.imported:
            self.query_one(f"#automatic-{self.standard.id}", Static).update(self._automatic_beside(self.status))

    @property
    def _status_select(self) -> Select:
        return self._select

    def _box(self, kind: str) -> Input | None:
        """The reason or note box, if it has been built."""
        return self._boxes.get(kind)

    def _text(self, kind: str) -> str:
        box = self._box(kind)
        if box is not None:
            return box.value
        _status, reason, note = self._start
        return reason if kind == "reason" else note

    @property
    def status(self) -> Status | None:
        value = self._status_select.value
        return value if isinstance(value, Status) else None

    async def show_needed_boxes(self) -> None:
        needed = dict(zip(("reason", "note"), self._needed_boxes(self.status, self._text("reason"),
                                                                 self._text("note"))))
        for kind, shown in needed.items():
            box = self._box(kind)
            if box is not None:
                box.display = shown
            elif shown:
                # In its place: the reason under the status, the note under the reason.
                note = self._box("note")
                if kind == "reason" and note is not None:
                    await self.mount(self._new_box(kind), before=note)
                else:
                    await self.mount(self._new_box(kind))

    def _needed_boxes(self, status: Status | None, reason: str, note: str) -> tuple[bool, bool]:
        """Whether the reason box and the note box are shown."""
        if self.imported:
            # Only a reason the earlier system recorded is shown; none is asked for.
            show_reason = bool(reason.strip())
        else:
            automatic = self.automatic
            show_reason = automatic is not None and status is not None and status != automatic
        return show_reason, status in NEEDS_NOTE or bool(note.strip())

    def values(self) -> StandardValues:
        status = self.status
        reason = self._text("reason").strip()
        overridden = status is not None and status != self.automatic
        return StandardValues(automatic=self.automatic, status=status, note=self._text("note").strip(),
                              reason=reason if overridden else "")

    def widget_for(self, field: str) -> Widget | None:
        """The box for a field of the audit ("scores.<id>", "notes.<id>", "override_reasons.<id>")."""
        part, _, standard = field.partition(".")
        if standard != self.standard.id:
            return None
        if part == "scores":
            return self._status_select
        kind = {"notes": "note", "override_reasons": "reason"}.get(part)
        if kind is None:
            return None
        # A box not built yet is one its status does not ask for: the status is where to go.
        return self._box(kind) or self._status_select


def read_rows(rows) -> dict[str, dict]:
    """The audit's scores, notes, override reasons and automatic statuses, from its rows."""
    read: dict[str, dict] = {"scores": {}, "notes": {}, "override_reasons": {}, "automatic": {}}
    for row in rows:
        sid, values = row.standard.id, row.values()
        read["automatic"][sid] = values.automatic
        if values.status is not None:
            read["scores"][sid] = values.status
        if values.note:
            read["notes"][sid] = values.note
        if values.reason:
            read["override_reasons"][sid] = values.reason
    return read
