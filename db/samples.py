"""Samples: stored draws and their members (an audit belongs to at most one sample)."""

from __future__ import annotations

import json
import sqlite3

from audit_tools.errors import Refused
from audit_tools.permissions import Op
from audit_tools.models import SampleDraw
from db import rows
from db.errors import NotFound
from db.session import Aggregate


class Samples(Aggregate):
    def save(self, draw: SampleDraw) -> str:
        """Store a drawn sample; returns its id ("S-000001"). An audit is only ever sampled once."""
        self.session.require(Op.draw_sample)
        with self.session.transaction():
            already = self._sampled(draw.selected)
            if already:
                raise Refused(*(f"audit {a}: already in a moderation sample" for a in already))
            sample_id = f"S-{self.session.next_number('sample'):06d}"
            draw = draw.model_copy(update={
                "sample_id": sample_id,
                "drawn_by": draw.drawn_by or self.session.actor,
                "drawn_at": draw.drawn_at or self.session.now().replace(microsecond=0),
            })
            data = draw.model_dump(mode="json")
            self.db.execute(
                "INSERT INTO samples (sample_id, quarter, seed, algorithm, rate, min_per_auditor, "
                "frame_sha256, drawn_by, drawn_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [sample_id, draw.quarter, draw.seed, draw.algorithm, draw.rate, draw.min_per_auditor,
                 draw.frame_sha256, draw.drawn_by, data["drawn_at"], rows.dumps(data)],
            )
            try:
                self.db.conn.executemany("INSERT INTO sample_members (sample_id, audit_id) VALUES (?, ?)",
                                         [(sample_id, a) for a in draw.selected])
            except sqlite3.IntegrityError:
                raise NotFound("the sample names an audit that is not in the database") from None
            self.session.record("sample drawn", data)
        return sample_id

    def _sampled(self, audit_ids: list[str]) -> list[str]:
        found: list[str] = []
        for chunk, marks in rows.chunks(audit_ids):
            found += [r[0] for r in self.db.execute(
                f"SELECT audit_id FROM sample_members WHERE audit_id IN ({marks}) ORDER BY audit_id", chunk)]
        return found

    def get(self, sample_id: str) -> SampleDraw | None:
        row = self.db.execute("SELECT data FROM samples WHERE sample_id = ?", [sample_id]).fetchone()
        return SampleDraw.model_validate(json.loads(row[0])) if row else None

    def list(self, quarter: str | None = None) -> list[SampleDraw]:
        sql, params = "SELECT data FROM samples", []
        if quarter is not None:
            sql += " WHERE quarter = ?"
            params.append(quarter)
        sql += " ORDER BY sample_id"
        return [SampleDraw.model_validate(json.loads(r[0])) for r in self.db.execute(sql, params)]

    def audit_ids(self) -> set[str]:
        """Every audit in any sample."""
        return {r[0] for r in self.db.execute("SELECT audit_id FROM sample_members")}
