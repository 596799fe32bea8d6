"""`sample verify` lists every difference docs/moderation.md names, on hand-built draws.

The draw below is worked out by hand with hashlib (seed "seed-1", rate 0.10, minimum 1):
frame A-01, A-02, A-03 (amy) and B-01 (ben).
  amy: n = 3, k = max(1, ceil(0.3)) = 1; ranks sha256("seed-1:A-01") = 6b5118...,
       "seed-1:A-03" = 720f96..., "seed-1:A-02" = 9b57fd...: A-01 is taken.
  ben: n = 1, k = 1: B-01.
  frame hash = sha256("A-01\\nA-02\\nA-03\\nB-01") = 7c59e613...c4a255.
Each tampering below leaves the selection the seed gives unchanged, so only the check the
test is about can notice it.
"""

from __future__ import annotations

from audit_tools.models import SampleDraw
from audit_tools.sampling import verify

FRAME = ["A-01", "A-02", "A-03", "B-01"]
FRAME_SHA = "7c59e613bf49323b08f37ecc549f231ceeeac537cb917121320effc6b6c4a255"


def draw(**changes) -> SampleDraw:
    fields = dict(quarter="2024-25-Q1", seed="seed-1", algorithm="v1", rate="0.10", min_per_auditor=1,
                  frame=FRAME, frame_sha256=FRAME_SHA, selected=["A-01", "B-01"],
                  strata={"amy": ["A-01", "A-02", "A-03"], "ben": ["B-01"]})
    fields.update(changes)
    return SampleDraw(**fields)


def test_the_worked_draw_verifies():
    assert verify(draw()) == (True, [])
    assert verify(draw(), {"A-01": "amy", "A-02": "amy", "A-03": "amy", "B-01": "ben"}) == (True, [])


def test_a_frame_audit_left_out_of_the_strata_is_named():
    # amy's stratum without A-02: n = 2, k = 1, A-01 still ranks first: the selection is the same.
    ok, reasons = verify(draw(strata={"amy": ["A-01", "A-03"], "ben": ["B-01"]}))
    assert (ok, reasons) == (False, ["frame audits missing from the auditor strata: A-02"])


def test_a_stratum_audit_outside_the_frame_is_named():
    # A-06 ranks c8c28a..., after A-01: amy still gets A-01.
    ok, reasons = verify(draw(strata={"amy": ["A-01", "A-02", "A-03", "A-06"], "ben": ["B-01"]}))
    assert (ok, reasons) == (False, ["strata audits not in the frame: A-06"])


def test_an_audit_in_two_strata_is_named():
    # A-02 also in ben's stratum: ben n = 2, k = 1, B-01 (23299f...) ranks before A-02 (9b57fd...).
    ok, reasons = verify(draw(strata={"amy": ["A-01", "A-02", "A-03"], "ben": ["A-02", "B-01"]}))
    assert (ok, reasons) == (False, ["audits in more than one stratum: A-02"])


def test_an_audit_selected_twice_is_named():
    ok, reasons = verify(draw(selected=["A-01", "A-01", "B-01"]))
    assert (ok, reasons) == (False, ["the selection lists an audit more than once"])


def test_an_audit_now_by_someone_else_is_named():
    ok, reasons = verify(draw(), {"A-01": "amy", "A-02": "ben", "A-03": "amy", "B-01": "ben"})
    assert (ok, reasons) == (False, ["audit A-02 is in amy's stratum but its auditor is ben"])


def test_a_changed_frame_is_named_by_its_hash():
    # B-02 added after the draw: the frame now hashes to sha256("A-01\\nA-02\\nA-03\\nB-01\\nB-02").
    ok, reasons = verify(draw(frame=["A-01", "A-02", "A-03", "B-01", "B-02"],
                              strata={"amy": ["A-01", "A-02", "A-03"], "ben": ["B-01", "B-02"]}))
    assert not ok
    assert reasons[0] == (f"frame hash differs: stored {FRAME_SHA}, the stored frame hashes to "
                          "ea3b9846cd3cc081e0b913607295ec3bb00bf990f24e3aa68942b4b0e8bd63c7")


def test_a_draw_by_an_unknown_algorithm_never_verifies():
    # A draw stored by a later version of caseaudit, read as it is: verify stops at once,
    # since nothing can be re-derived without the algorithm.
    unknown = SampleDraw.model_construct(**{**draw().model_dump(), "algorithm": "v2"})
    assert verify(unknown) == (False, ["algorithm 'v2' is not known (expected 'v1')"])


def test_stored_parameters_the_draw_refuses_never_verify():
    ok, reasons = verify(draw(rate="1.5"))
    assert ok is False
    assert reasons and all(r.startswith("stored parameters are invalid: ") for r in reasons)
    # A difference found before the parameters is kept with them.
    ok, reasons = verify(draw(rate="1.5", strata={"amy": ["A-01", "A-03"], "ben": ["B-01"]}))
    assert ok is False
    assert reasons[0] == "frame audits missing from the auditor strata: A-02"
    assert reasons[1].startswith("stored parameters are invalid: ")


def test_an_audit_of_the_frame_no_longer_stored_is_named():
    ok, reasons = verify(draw(), {"A-01": "amy", "A-03": "amy", "B-01": "ben"})
    assert (ok, reasons) == (False, ["audit A-02 in the frame is no longer in the database"])


def test_several_differences_are_each_named_with_their_audits_listed():
    # Two audits outside the frame (A-06 ranks c8c28a..., A-08 f57bfb...: amy, n = 5, k = 1,
    # still gets A-01 at 6b5118...), and the selection both missing A-01 and adding A-03.
    ok, reasons = verify(draw(strata={"amy": ["A-01", "A-02", "A-03", "A-06", "A-08"], "ben": ["B-01"]},
                              selected=["A-03", "B-01"]))
    assert ok is False
    assert reasons == [
        "strata audits not in the frame: A-06, A-08",
        "selected but not drawn by the seed: A-03",
        "drawn by the seed but not selected: A-01",
    ]


def test_an_extra_audit_selected_is_named_alone():
    ok, reasons = verify(draw(selected=["A-01", "A-03", "B-01"]))
    assert (ok, reasons) == (False, ["selected but not drawn by the seed: A-03"])
    ok, reasons = verify(draw(selected=["B-01"]))
    assert (ok, reasons) == (False, ["drawn by the seed but not selected: A-01"])
