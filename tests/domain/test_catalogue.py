"""The standards catalogue: the default one is complete, a bad one is refused by name."""

import pytest

from audit_tools.calendar import Duration
from audit_tools.errors import BadInput
from audit_tools.standards import load_catalogue, parse_catalogue

DEFAULT_IDS = [
    "cp-visits", "cp-seen-alone", "cin-visits", "cla-visits", "cl-contact", "supervision",
    "chronology", "cin-plan-review", "pathway-plan-review", "icpc-timeliness",
    "cp-review-conference", "cla-review", "assessment-timeliness", "return-interview",
    "voice-of-child", "management-oversight", "plan-quality", "absent-parent-views",
    "life-story-work",
]

HEADER = 'name = "test"\nversion = "1"\n'
GOOD = '''
[[standard]]
id = "cp-visits"
title = "Seen"
applies_to = ["CP"]
rule = "interval"
kind = "visit"
anchor = "start"
first_within = "10wd"
every = "10wd"
'''


def test_default_catalogue_has_every_standard_in_order():
    cat = load_catalogue()
    assert [s.id for s in cat.standards] == DEFAULT_IDS
    assert cat.look_back == Duration(6, "m") and cat.threshold == 0.8
    cla = cat.get("cla-review")
    assert (cla.first_within, cla.then_within, cla.every) == (Duration(20, "wd"), Duration(3, "m"), Duration(6, "m"))
    assert cat.get("cp-review-conference").anchor == "icpc"
    assert len(cat.get("return-interview").applies_to) == 5


def test_catalogue_from_a_file(tmp_path):
    path = tmp_path / "council.toml"
    path.write_text(HEADER + GOOD.replace('"10wd"', '"5wd"'))
    cat = load_catalogue(path)
    assert cat.get("cp-visits").every == Duration(5, "wd")


def refused(text: str, tmp_path) -> list[str]:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(BadInput) as err:
        load_catalogue(path)
    assert all(line.startswith(str(path)) for line in err.value.lines)
    return err.value.lines


def test_unknown_rule_kind(tmp_path):
    lines = refused(HEADER + GOOD.replace('"interval"', '"sometimes"'), tmp_path)
    assert any("standard 'cp-visits'" in l and "'rule'" in l and "sometimes" in l for l in lines)


def test_bad_duration(tmp_path):
    lines = refused(HEADER + GOOD.replace('every = "10wd"', 'every = "ten days"'), tmp_path)
    assert any("standard 'cp-visits'" in l and "'every'" in l and "bad duration" in l for l in lines)


def test_unknown_case_type(tmp_path):
    lines = refused(HEADER + GOOD.replace('["CP"]', '["CP", "XYZ"]'), tmp_path)
    assert any("standard 'cp-visits'" in l and "applies_to" in l and "XYZ" in l for l in lines)


def test_duplicate_id(tmp_path):
    lines = refused(HEADER + GOOD + GOOD, tmp_path)
    assert any("standard 'cp-visits'" in l and "'id'" in l and "duplicate" in l for l in lines)


def test_missing_and_surplus_parameters(tmp_path):
    lines = refused(HEADER + GOOD.replace('anchor = "start"\n', 'limit = "3d"\n'), tmp_path)
    assert any("'anchor'" in l and "needs it" in l for l in lines)
    assert any("'limit'" in l and "does not take it" in l for l in lines)


def test_unknown_event_kind_and_field(tmp_path):
    lines = refused(HEADER + GOOD.replace('kind = "visit"', 'kind = "vist"\ncolour = "red"'), tmp_path)
    assert any("'kind'" in l and "vist" in l for l in lines)
    assert any("'colour'" in l and "unknown field" in l for l in lines)


def test_every_problem_is_listed_at_once(tmp_path):
    two_bad = GOOD.replace('"interval"', '"x"') + GOOD.replace("cp-visits", "other").replace('"10wd"', '"z"')
    lines = refused(HEADER + two_bad, tmp_path)
    assert any("'cp-visits'" in l for l in lines) and any("'other'" in l for l in lines)


def test_not_toml_empty_and_missing(tmp_path):
    assert "not valid TOML" in refused("this is [ not toml", tmp_path)[0]
    assert "no standards" in refused(HEADER, tmp_path)[0]
    with pytest.raises(BadInput, match="not found"):
        load_catalogue(tmp_path / "missing.toml")


def test_parse_catalogue_names_the_source():
    with pytest.raises(BadInput, match="^council: "):
        parse_catalogue("name = 1", where="council")
