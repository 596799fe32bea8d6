"""What the QA lead's sampling screen shows for a quarter, read in one call: the frame
still to sample, the draw a rate and minimum would make, the samples drawn and where
each sampled audit stands."""

from __future__ import annotations

from dataclasses import dataclass

from audit_tools import sampling
from audit_tools.errors import BadInput
from audit_tools.models import SampleDraw
from audit_tools.quarters import Quarter
from audit_tools.themes import ModerationCounts
from audit_tools.permissions import Op
from caseaudit.services import access
from caseaudit.services.moderation import ProgressRow, moderation_figures, progress, sample_frame
from db.store import Store


@dataclass
class SamplingView:
    quarter: Quarter
    frame_size: int
    strata: list[sampling.StratumPreview]
    progress: list[ProgressRow]
    samples: list[SampleDraw]  # of the quarter
    figures: ModerationCounts  # the quarter's, as the reports and agreement screens count them
    problem: str | None = None  # why the rate or minimum gives no preview


def sampling_view(store: Store, quarter: Quarter, rate: str, minimum: str) -> SamplingView:
    access.require(store, Op.read_sampling)
    frame = sample_frame(store, quarter)
    view = SamplingView(quarter=quarter, frame_size=len(frame), strata=[],
                        progress=progress(store, quarter),
                        samples=store.samples.list(quarter.code),
                        figures=moderation_figures(store, quarter))
    try:
        view.strata = sampling.preview(frame, rate, minimum)
    except BadInput as err:
        view.problem = " ".join(err.lines)
    return view
