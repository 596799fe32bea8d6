"""Moderation from the keyboard, one module per family of screens: the moderator's queue
(`queue`), the blind re-audit (`blind`), reconciliation in the side-by-side frame
(`reconcile`), the QA lead's escalations (`escalations`) and the auditor's feedback
(`feedback`). What they load comes from caseaudit.services.moderation_views."""
