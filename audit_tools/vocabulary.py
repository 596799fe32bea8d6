"""The controlled theme vocabulary audits tag strengths and areas for improvement from.

The admin can extend it (stored in the database); these are the defaults every service starts with.
"""

from __future__ import annotations

DEFAULT_THEMES: dict[str, str] = {
    "voice-of-child": "Voice of the child",
    "chronology": "Chronology",
    "supervision": "Supervision",
    "visits": "Visits",
    "drift-and-delay": "Drift and delay",
    "management-oversight": "Management oversight",
    "absent-fathers": "Absent fathers",
    "risk-analysis": "Risk analysis",
    "plans": "Plans",
    "recording-timeliness": "Recording timeliness",
    "multi-agency": "Multi-agency working",
    "identity-diversity": "Identity and diversity",
}

GRADE_DESCRIPTIONS: dict[str, str] = {
    "outstanding": "Exceptional practice that makes a real difference to the child; a model for others.",
    "good": "Practice meets the standards; the child's needs are understood and met without delay.",
    "requires_improvement": "Not yet good: gaps in practice or recording that need action, no serious harm.",
    "inadequate": "Serious failures leave the child at risk or without help: urgent action needed.",
}
