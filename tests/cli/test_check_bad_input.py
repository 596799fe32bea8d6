"""check --case-file with the shapes people actually get wrong: each names the place, in words."""

from __future__ import annotations

from tests.cli.test_check_case_file import bad


def test_an_event_that_is_not_an_object_says_how_to_write_one(tmp_path, capsys):
    err = bad(tmp_path, capsys, {"case_ref": "C-1", "case_type": "CP", "start_date": "2024-01-02",
                                 "events": [{"kind": "visit", "date": "2024-01-05"}, 7, None]})
    assert err == (
        f'caseaudit: {tmp_path / "bad.json"}: event 2 (events[1]): 7 is not an event; '
        'write it as {"kind": ..., "date": "YYYY-MM-DD"}\n'
        f'caseaudit: {tmp_path / "bad.json"}: event 3 (events[2]): null is not an event; '
        'write it as {"kind": ..., "date": "YYYY-MM-DD"}\n'
    )


def test_a_number_where_text_belongs_says_to_quote_it(tmp_path, capsys):
    err = bad(tmp_path, capsys, {"case_ref": 1001, "case_type": "CP", "start_date": "2024-01-02", "events": []})
    assert err == f"caseaudit: {tmp_path / 'bad.json'}: field case_ref: 1001 is not text; put it in quotes\n"
