"""Checking an audits file a batch at a time: the batch size never changes the answer,
and the file is read a line at a time."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit_tools.errors import BadInput
from audit_tools.importers import AuditCheck, JsonLines, check_audits, checked_audit_batches
from audit_tools.models import Case, CaseType, Event, EventKind
from tests.domain.test_import_files import CASE, CATALOGUE, PEOPLE, audit_line

OTHER = Case(case_ref="C-2002", case_type=CaseType.EH, start_date=date(2024, 1, 2), worker="dan",
             line_manager="cat", events=[Event(kind=EventKind.missing_return, date=date(2024, 3, 1))])
CASES = {"C-1001": CASE, "C-2002": OTHER}

# Lines good and bad, with ids drawn from a small set so duplicates across batches happen.
KINDS = st.sampled_from(["good", "other-case", "unknown-case", "worker-audits", "no-note", "escalated",
                         "differs", "array", "number", "bad-date"])


def line_of(kind: str, audit_id: str):
    if kind == "array":
        return [audit_line(audit_id=audit_id)]
    if kind == "number":
        return 42
    changes = {
        "good": {},
        "other-case": {"case_ref": "C-2002", "auditor": "ben"},
        "unknown-case": {"case_ref": "C-404"},
        "worker-audits": {"auditor": "ben"},
        "no-note": {"notes": {}},
        "escalated": {"moderation": {"moderator": "dan", "moderated_on": "2024-05-20", "grade": "good",
                                     "outcome": "escalated"}},
        "differs": {"scores": {"return-interview": "met", "voice-of-child": "partly_met",
                               "management-oversight": "met"}},
        "bad-date": {"as_of": "2024-02-30"},
    }[kind]
    return audit_line(audit_id=audit_id, **changes)


def outcome(lines, batch_size, known=()):
    try:
        audits = check_audits("f.jsonl", lines, cases=CASES.get, users=PEOPLE, catalogue=CATALOGUE,
                              themes_vocabulary=["voice-of-child"], known_audit_ids=known,
                              batch_size=batch_size)
    except BadInput as refused:
        return "refused", refused.lines
    return "audits", [a.model_dump(mode="json") for a in audits]


@settings(max_examples=60, deadline=None)
@given(data=st.data(),
       kinds=st.lists(st.tuples(KINDS, st.integers(min_value=1, max_value=6)), min_size=1, max_size=14))
def test_batch_size_does_not_change_the_problems_or_the_audits(data, kinds):
    lines = [(2 * i + 1, line_of(kind, f"A-{n}")) for i, (kind, n) in enumerate(kinds)]
    known = {"A-6"}
    whole = outcome(lines, batch_size=len(lines) + 1, known=known)
    size = data.draw(st.integers(min_value=1, max_value=len(lines)))
    assert outcome(lines, batch_size=size, known=known) == whole


@pytest.mark.parametrize("size", [1, 2, 3, 5])
def test_good_lines_in_any_batch_size_give_the_same_audits(size):
    lines = [(i, line_of(kind, f"A-{i}")) for i, kind in
             enumerate(["good", "other-case", "differs", "good", "other-case"], start=1)]
    kind, audits = outcome(lines, batch_size=size)
    assert kind == "audits"
    assert [a["audit_id"] for a in audits] == ["A-1", "A-2", "A-3", "A-4", "A-5"]
    assert all(a["imported"] for a in audits)
    assert outcome(lines, batch_size=100) == (kind, audits)


def test_the_engine_runs_once_per_case_and_as_of_date_in_a_batch(monkeypatch):
    import audit_tools.importers.audits as standards

    calls: list[tuple[str, date]] = []
    real = standards.statuses

    def counting(case, as_of, catalogue):
        calls.append((case.case_ref, as_of))
        return real(case, as_of, catalogue)

    monkeypatch.setattr(standards, "statuses", counting)
    lines = [(i, audit_line(audit_id=f"A-{i}")) for i in range(1, 6)]
    lines.append((6, audit_line(audit_id="A-6", as_of="2024-05-02", submitted_on="2024-05-02")))
    check = AuditCheck("f.jsonl", users=PEOPLE, catalogue=CATALOGUE, themes_vocabulary=["voice-of-child"])
    audits, problems = check.check(lines, CASES)
    assert problems == [] and len(audits) == 6
    assert calls == [("C-1001", date(2024, 5, 1)), ("C-1001", date(2024, 5, 2))]


def test_each_batch_asks_for_its_own_cases_and_ids_once():
    asked_cases: list[set[str]] = []
    asked_ids: list[set[str]] = []

    def cases(refs):
        asked_cases.append(set(refs))
        return {r: CASES[r] for r in refs if r in CASES}

    def known(ids):
        asked_ids.append(set(ids))
        return set()

    lines = [(1, line_of("good", "A-1")), (2, line_of("other-case", "A-2")),
             (3, line_of("good", "A-3")), (4, line_of("good", "A-1"))]
    batches = checked_audit_batches("f.jsonl", lines, cases=cases, users=PEOPLE, catalogue=CATALOGUE,
                                    themes_vocabulary=["voice-of-child"], known_audit_ids=known,
                                    batch_size=2)
    with pytest.raises(BadInput) as refused:
        assert [[a.audit_id for a in b] for b in batches] == [["A-1", "A-2"]]
    assert refused.value.lines == ["f.jsonl:4: audit_id: 'A-1' is also on line 1; each audit may appear only once"]
    assert asked_cases == [{"C-1001", "C-2002"}, {"C-1001"}]
    # an id met in an earlier batch is not asked for again: the file itself says it is a duplicate
    assert asked_ids == [{"A-1", "A-2"}, {"A-3"}]


def test_a_jsonl_file_is_read_a_line_at_a_time_with_editor_line_numbers(tmp_path):
    f = tmp_path / "audits.jsonl"
    f.write_bytes(b'\xef\xbb\xbf{"a": 1}\r\n\r\n  \n{"b": 2}\r{"c": 3}\n[4]')
    lines = JsonLines(f)
    assert lines.count() == 4
    assert list(lines) == [(1, {"a": 1}), (4, {"b": 2}), (5, {"c": 3}), (6, [4])]


def test_a_bad_byte_is_found_where_it_is(tmp_path):
    f = tmp_path / "audits.jsonl"
    data = b'\xef\xbb\xbf{"a": 1}\n{"b": "\xff"}\n'
    f.write_bytes(data)
    with pytest.raises(BadInput) as refused:
        list(JsonLines(f))
    # counted as a reader of the whole text counts it: after the byte-order mark
    with pytest.raises(UnicodeDecodeError) as whole:
        data.decode("utf-8-sig")
    assert whole.value.start == 16
    assert refused.value.lines == [f"{f}: is not UTF-8 text (a byte at position 16 cannot be read); "
                                   "save it as JSON Lines UTF-8"]


def test_every_unparsable_line_is_reported_and_no_value_after_the_first(tmp_path):
    f = tmp_path / "audits.jsonl"
    f.write_text(json.dumps({"a": 1}) + "\n{oops\n" + json.dumps({"b": 2}) + "\nnope\n")
    seen = []
    with pytest.raises(BadInput) as refused:
        for value in JsonLines(f):
            seen.append(value)
    assert seen == [(1, {"a": 1})]
    assert refused.value.lines == [
        f"{f}:2: not valid JSON (Expecting property name enclosed in double quotes at column 2)",
        f"{f}:4: not valid JSON (Expecting value at column 1)",
    ]


def test_case_order_reads_every_line_again_by_its_place_bom_and_lone_cr_included(tmp_path):
    from audit_tools.importers import CaseOrder

    lines = [{"audit_id": f"A-{i}", "case_ref": ref} for i, ref in enumerate(["C-2", "C-1", "C-3", "C-1", "C-2"])]
    text = "\ufeff" + json.dumps(lines[0]) + "\r" + json.dumps(lines[1]) + "\n\n" + "\r\n".join(
        json.dumps(line) for line in lines[2:]) + "\n"
    path = tmp_path / "f.jsonl"
    path.write_bytes(text.encode("utf-8"))
    in_file = list(JsonLines(path))
    assert [value for _, value in in_file] == lines
    ordered = CaseOrder(JsonLines(path))
    assert len(ordered) == 5
    assert list(ordered) == sorted(in_file, key=lambda line: (line[1]["case_ref"], line[0]))
    assert ordered.first_lines == {line["audit_id"]: number for number, line in in_file}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(),
       kinds=st.lists(st.tuples(KINDS, st.integers(min_value=1, max_value=6)), min_size=1, max_size=14))
def test_checking_in_case_order_finds_what_the_file_order_finds(tmp_path_factory, data, kinds):
    from audit_tools.importers import CaseOrder

    lines = [(2 * i + 1, line_of(kind, f"A-{n}")) for i, (kind, n) in enumerate(kinds)]
    path = tmp_path_factory.mktemp("order") / "f.jsonl"
    path.write_text("".join(f"{json.dumps(value)}\n\n" for _, value in lines), encoding="utf-8")
    size = data.draw(st.integers(min_value=1, max_value=len(lines)))
    in_file = outcome(lines, batch_size=size, known={"A-6"})
    try:
        checked = checked_audit_batches(
            "f.jsonl", CaseOrder(JsonLines(path)), cases=lambda refs: {r: CASES[r] for r in refs if r in CASES},
            users=PEOPLE, catalogue=CATALOGUE, themes_vocabulary=["voice-of-child"], known_audit_ids={"A-6"},
            batch_size=size)
        audits = [a.model_dump(mode="json") for batch in checked for a in batch]
    except BadInput as refused:
        assert in_file == ("refused", refused.lines)
    else:
        assert in_file[0] == "audits"
        assert sorted(audits, key=lambda a: a["audit_id"]) == sorted(in_file[1], key=lambda a: a["audit_id"])
