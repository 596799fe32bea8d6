"""The inspection pack (product.md "Inspection pack") as `caseaudit pack` and the pack screen make it.

The policy decides who may make one (a QA lead) and keeps a pack of a case waiting while the
QA lead is moderating one of its audits blind; the store reads each table for the cases;
audit_tools.pack shapes and writes it. Every export is recorded in the history.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from audit_tools import pack as rules
from audit_tools.calendar import parse_day
from audit_tools.errors import BadInput, Refused
from audit_tools.permissions import Facts, Moderating, Op, decide, require
from audit_tools.standards import Catalogue, evaluate
from caseaudit.services.rounds import check_output
from db.store import Store


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


def parse_references(values: list[str] | None = None, file: str | Path | None = None) -> list[str]:
    """The references given: a file's (CSV/XLSX column or one a line) or typed ones, not both."""
    if file is not None and values:
        raise BadInput("give the references either in a file (--cases FILE) or as CASE_REF arguments, not both")
    if file is not None:
        return rules.read_references(file)
    found = rules.references(list(values or []))
    if not found:
        raise BadInput("no references: give case refs or Child Unique IDs, or --cases FILE")
    return found


def build_pack(store: Store, refs: list[str], as_of: date | str | None = None, include_notes: bool = False,
               catalogue: Catalogue | None = None) -> rules.Pack:
    """The pack for `refs` as at `as_of` (default today); refused while the QA lead is
    moderating an audit of one of the cases blind."""
    require(store.user, Op.make_pack)
    if as_of is None:
        day = store.today()
    elif isinstance(as_of, date):
        day = as_of
    else:
        try:
            day = parse_day(str(as_of))
        except ValueError as err:
            raise BadInput(f"--as-of: {err}") from None
    refs = rules.references(refs)
    known = store.packs.known(refs)
    found = [r for r in refs if r in known]
    not_found = [r for r in refs if r not in known]
    moderating: dict[str, list[Moderating]] = {}
    audit_case = {r[1]: r[0] for r in store.packs.audits(found, date.max)}
    for audit_id, moderator, submitted in store.packs.moderating(found):
        moderating.setdefault(audit_case.get(audit_id, ""), []).append(Moderating(audit_id, moderator, bool(submitted)))
    refusals: list[str] = []
    for ref in found:
        decision = decide(store.user, Op.make_pack, Facts(case_ref=ref, moderations=tuple(moderating.get(ref, []))))
        refusals += list(decision.reasons)
    if refusals:
        raise Refused(*refusals)
    catalogue = catalogue or store.reference.catalogue_for()
    titles = {s.id: s.title for s in catalogue.standards}
    cases: dict[str, rules.PackCase] = {}
    for ref in found:
        case = store.cases.get(ref)
        assert case is not None  # among the known references read above
        cases[ref] = rules.PackCase(case=case.model_copy(update={"events": []}),
                                    standards=evaluate(case, day, catalogue).results, titles=titles)
    for ref, audit_id, as_at, submitted, auditor, grade, final, round_id, name in store.packs.audits(found, day):
        cases[ref].audits.append(rules.PackAudit(audit_id, date.fromisoformat(as_at), _day(submitted), auditor,
                                                 grade, final, f"{round_id} {name}" if round_id else None))
    for ref, audit_id, moderator, on, grade, outcome, final, reason, feedback in store.packs.moderations(found, day):
        cases[ref].moderation.append(rules.PackModeration(
            audit_id, moderator, _day(on), grade, outcome, final,
            reason if include_notes else None, feedback if include_notes else None))
    for ref, audit_id, owner, due, done, standard, description in store.packs.actions(found, day):
        cases[ref].actions.append(rules.PackAction(
            audit_id, owner, _day(due), _day(done), standard, rules.action_state(_day(done), _day(due), day),
            description if include_notes else None))
    for (ref, concern_id, audit_id, raised_by, raised_at, acknowledged_at, closed_at, found_text, should,
         taken) in store.packs.concerns(found, day):
        cases[ref].concerns.append(rules.PackConcern(
            concern_id, audit_id, raised_by, date.fromisoformat(raised_at[:10]), rules.concern_state(_day(acknowledged_at),
                                                                               _day(closed_at), day),
            _day(acknowledged_at), _day(closed_at), found_text if include_notes else None,
            should if include_notes else None, taken if include_notes else None))
    if include_notes:
        for ref, audit_id, standard, note in store.packs.notes(found, day):
            cases[ref].notes.append((audit_id, standard, note))
    return rules.Pack(as_of=day, asked=refs, cases=[cases[r] for r in found], not_found=not_found,
                      include_notes=include_notes)


def export_pack(store: Store, refs: list[str], fmt: str, out: str | Path | None, as_of: date | str | None = None,
                include_notes: bool = False, force: bool = False,
                folder: str | Path | None = None) -> tuple[rules.Pack, Path]:
    """Make the pack, write it in one format to `out` (or, from a screen, to `folder` under the
    pack's own name) and record the export in the history."""
    if fmt not in rules.FORMATS:
        raise BadInput(f"--format: {fmt!r} is not one of {', '.join(rules.FORMATS)}")
    pack = build_pack(store, refs, as_of, include_notes)
    if out is None:
        out = Path(folder or ".") / f"{pack_name(pack.as_of)}.{fmt}"
    target = check_output(store, out, force=force)
    try:
        written = rules.WRITERS[fmt](pack, target)
    except OSError as err:
        raise BadInput(f"cannot write {target.path}: {err.strerror or err}") from None
    store.record("inspection pack exported", {
        "format": fmt, "as_of": pack.as_of.isoformat(), "include_notes": include_notes, "path": str(written),
        "cases": [c.case.case_ref for c in pack.cases], "not_found": len(pack.not_found)})
    return pack, written


def pack_name(as_of: date) -> str:
    return f"inspection-pack-{as_of.isoformat()}"


def download_pack(store: Store, refs: list[str], fmt: str, as_of: date | str | None = None,
                  include_notes: bool = False) -> tuple[rules.Pack, str, bytes]:
    """A browser session's pack: its file name and bytes, the export recorded in the history."""
    if fmt not in rules.FORMATS:
        raise BadInput(f"format: {fmt!r} is not one of {', '.join(rules.FORMATS)}")
    pack = build_pack(store, refs, as_of, include_notes)
    name, data = rules.pack_download(pack, fmt, pack_name(pack.as_of))
    store.record("inspection pack exported", {
        "format": fmt, "as_of": pack.as_of.isoformat(), "include_notes": include_notes, "download": name,
        "cases": [c.case.case_ref for c in pack.cases], "not_found": len(pack.not_found)})
    return pack, name, data
