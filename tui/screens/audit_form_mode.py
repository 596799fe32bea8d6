"""Where the audit form stands, as one value: which keys it offers, whether its boxes take
changes and what the line under the form says follow from the mode alone."""

from __future__ import annotations

from enum import Enum


class FormMode(Enum):
    LOADING = "loading"  # nothing to work on yet (or being put back as stored)
    DRAFT = "draft"  # the user's own draft, new or saved: changes save themselves
    CONFLICTED = "conflicted"  # a draft someone else saved since it opened: never saved from here
    OTHERS_DRAFT = "others_draft"  # someone else's draft: read it, not change it
    SUBMITTED = "submitted"  # locked; ctrl+e amends it where the user may
    AMENDING = "amending"  # a submitted audit being corrected, saved with a reason

    @classmethod
    def opening(cls, submitted: bool, own: bool) -> FormMode:
        """The mode an audit opens in."""
        if submitted:
            return cls.SUBMITTED
        return cls.DRAFT if own else cls.OTHERS_DRAFT

    @property
    def editable(self) -> bool:
        return self in (FormMode.DRAFT, FormMode.CONFLICTED, FormMode.AMENDING)

    @property
    def read_only(self) -> bool:
        return self in (FormMode.OTHERS_DRAFT, FormMode.SUBMITTED)

    @property
    def submittable(self) -> bool:
        return self in (FormMode.DRAFT, FormMode.CONFLICTED)

    def offers(self, action: str, may_amend: bool) -> bool:
        """Whether the form's key for `action` applies (False hides it from the footer)."""
        if action == "raise_concern":
            return True  # a concern cannot wait for the form, in any mode
        if self is FormMode.LOADING:
            return action == "back"
        if action in ("save", "add_action", "remove_action"):
            # Amending may correct the action plan too (a completed action stays as it is).
            return self.editable
        if action == "submit":
            return self.submittable
        if action == "amend":
            return self is FormMode.SUBMITTED and may_amend
        return True

    def locked_words(self, auditor: str, may_amend: bool) -> str | None:
        """What the line under a read-only form says (None: the form is not read-only)."""
        if self is FormMode.OTHERS_DRAFT:
            return f"{auditor}'s draft: you can read it, not change it."
        if self is FormMode.SUBMITTED and may_amend:
            return "Submitted: read-only. ctrl+e amends it (a reason is required)."
        if self is FormMode.SUBMITTED:
            return "Submitted: read-only."
        return None
