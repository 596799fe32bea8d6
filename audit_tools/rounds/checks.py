"""Checking a round: re-deriving a stored one by round-v1, and a round audit's answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

from audit_tools.allocation import frame_sha256
from audit_tools.audit import Problem
from audit_tools.models import Audit
from audit_tools.rounds.frame import FrameCase
from audit_tools.rounds.questions import ALGORITHM
from audit_tools.rounds.selection import Round, Selected, assign, select, shortfall

if TYPE_CHECKING:
    from audit_tools.audit import Problem

def verify(made: Round, stored_frame: Sequence[str] | None = None,
           stored_selection: Sequence[Selected] | None = None,
           recorded: Mapping[str, object] | None = None) -> list[str]:
    """What differs when a stored round is re-derived (empty when all matches).

    `made` is the round as its own row holds it (seed, size, auditors, frame hash);
    `stored_frame` the frame rows, `stored_selection` the selection rows (with the worker
    and line manager each was stored with), `recorded` the round as its history entry
    recorded it (seed, frame_sha256, size, auditors).
    """
    reasons: list[str] = []
    if made.algorithm != ALGORITHM:
        return [f"algorithm {made.algorithm!r} is not known (expected {ALGORITHM!r})"]
    frame = list(made.frame if stored_frame is None else stored_frame)
    hashed = frame_sha256(frame)
    if hashed != made.frame_sha256:
        reasons.append(f"frame differs: the stored frame hashes to {hashed}, the round recorded {made.frame_sha256}")
    if frame != sorted(set(frame)):
        reasons.append("the stored frame is not in case_ref order, or lists a case more than once")
    if len(frame) != len(made.frame) or frame != made.frame:
        extra = sorted(set(frame) - set(made.frame))
        missing = sorted(set(made.frame) - set(frame))
        if extra:
            reasons.append(f"frame differs: the frame rows add {', '.join(extra)}")
        if missing:
            reasons.append(f"frame differs: the frame rows lack {', '.join(missing)}")
    for key in ("seed", "size", "frame_sha256", "auditors", "date"):
        if recorded is not None and key in recorded:
            mine = getattr(made, key)
            mine = mine.isoformat() if isinstance(mine, date) else mine
            if recorded[key] != mine:
                reasons.append(f"{key} differs: the round's row says {mine!r}, its history entry {recorded[key]!r}")
    selection = list(made.selected if stored_selection is None else stored_selection)
    people = {s.case_ref: s for s in selection}
    expected_refs = select(frame, made.seed, made.size)
    have_refs = [s.case_ref for s in selection]
    if have_refs != expected_refs:
        extra = [r for r in have_refs if r not in expected_refs]
        missing = [r for r in expected_refs if r not in have_refs]
        if extra:
            reasons.append(f"selection differs: {', '.join(extra)} stored as selected, not drawn by seed {made.seed}")
        if missing:
            reasons.append(f"selection differs: {', '.join(missing)} drawn by seed {made.seed}, not stored as selected")
        if not extra and not missing:
            reasons.append("selection differs: the selected cases are stored out of rank order")
    cases = [FrameCase(case_ref=ref, worker=people[ref].worker if ref in people else None,
                       line_manager=people[ref].line_manager if ref in people else None) for ref in expected_refs]
    expected = {s.case_ref: s.auditor for s in assign(cases, made.auditors)}
    for s in selection:
        if s.case_ref in expected and expected[s.case_ref] != s.auditor:
            reasons.append(f"assignment differs: {s.case_ref} is stored with {s.auditor or 'no auditor'}, "
                           f"round-v1 gives it to {expected[s.case_ref] or 'no auditor'}")
    short = shortfall(assign(cases, made.auditors), made.size)
    if short != made.shortfall:
        reasons.append(f"shortfall differs: stored {made.shortfall}, re-derived {short}")
    return reasons


def answer_problems(audit: Audit, made: Round) -> list[Problem]:
    """Every reason a round audit's answers may not be submitted: an answer to each question,
    one of its answers, and the comment the answer needs (audit_tools.audit.Problem each)."""
    problems: list[Problem] = []
    for question in made.questions.questions:
        given = audit.answers.get(question.id)
        answer = given.answer if given else None
        where = f"answers.{question.id}"
        if answer is None:
            problems.append(Problem(f"{where}.answer", question.title,
                                    f"no answer; choose {', '.join(a.replace('_', ' ') for a in question.answers)}"))
        elif answer not in question.answers:
            problems.append(Problem(f"{where}.answer", question.title,
                                    f"{answer!r} is not one of its answers ({', '.join(question.answers)})"))
        elif question.needs_comment(answer) and not ((given.comment if given else None) or "").strip():
            problems.append(Problem(f"{where}.comment", question.title,
                                    f"{answer.replace('_', ' ')} needs a comment saying why"))
    known = {q.id for q in made.questions.questions}
    for question_id in audit.answers:
        if question_id not in known:
            problems.append(Problem(f"answers.{question_id}", question_id,
                                    f"not a question of round {made.round_id}; remove its answer"))
    return problems

