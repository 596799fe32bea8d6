"""Thematic audit rounds (product.md "Thematic audits"), algorithm round-v1.

A round is a set of cases chosen for one theme (neglect, domestic abuse, children missing
from home), audited against questions written for that theme and reported on their own.

Selection and assignment, round-v1, exactly:
- frame = cases open on the round's date (started on or before it, not closed before it)
  that match every given filter (case types; teams; an event of a given kind dated from the
  day that is the look-back before the date to the date, both inclusive), sorted by
  case_ref; its SHA-256 over the newline-joined refs;
- rank the frame by the hex SHA-256 of "{seed}:{case_ref}", ascending; take the first `size`;
- each selected case, in rank order, goes to the next auditor in username order who is
  neither its worker nor its line manager: a pointer starts at the first auditor; for each
  case the auditors are tried from the pointer on, wrapping round; the first who may take it
  gets it and the pointer moves to the one after them. A case nobody may take stays
  selected with no auditor, counts in the shortfall, and leaves the pointer where it was.

A Round keeps everything it was made from (the frame, each selected case's worker and line
manager as they were, the auditors, the seed, the question set), so `verify` re-derives it
later from what was stored, whatever has changed since.
"""

from audit_tools.rounds.checks import answer_problems, verify
from audit_tools.rounds.frame import (
    EventFilter, Filters, FrameCase, build_frame, event_window, matches, parse_case_types, parse_filters,
    parse_list, parse_within,
)
from audit_tools.rounds.questions import (
    ALGORITHM, DEFAULT_ANSWERS, DEFAULT_COMMENT_REQUIRED, NOT_APPLICABLE, Question, QuestionSet,
    load_questions, parse_questions,
)
from audit_tools.rounds.selection import (
    Round, Selected, assign, make_round, parse_seed, parse_size, rank_key, round_json, select, shortfall,
)

__all__ = [
    "ALGORITHM", "DEFAULT_ANSWERS", "DEFAULT_COMMENT_REQUIRED", "NOT_APPLICABLE", "EventFilter", "Filters",
    "FrameCase", "Question", "QuestionSet", "Round", "Selected", "answer_problems", "assign", "build_frame",
    "event_window", "load_questions", "make_round", "matches", "parse_case_types", "parse_filters",
    "parse_list", "parse_questions", "parse_seed", "parse_size", "parse_within", "rank_key", "round_json",
    "select", "shortfall", "verify",
]
