"""The canonical format: cli.md's JSON document, as `report.to_json()` gives it.

Laid out for a person who opens it as well as for a program: each top-level field on its
own line, and each entry of a long list (an audit, an action, a standard's figures) on a
line of its own. Each entry is written by the json module's C encoder: `indent` makes the
json module fall back to its Python encoder, about three times slower on a quarter's
audits and actions.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from audit_tools.files import Output, output_file
from audit_tools.text import printable
from audit_tools.themes import ThemesReport


# One encoder for every entry: json.dumps with any non-default option builds a new one a call.
_ENCODER = json.JSONEncoder(ensure_ascii=False)
# And below it the json module's C encoder, made once: JSONEncoder.encode makes a new one
# each call, which at a quarter's 15,000 entries cost more than the encoding itself. The
# same bytes either way (ensure_ascii=False, ", " and ": "); no cycle check, as a report is
# a tree. Where the C encoder is missing, the JSONEncoder does the work.
_MAKE_C_ENCODER: Any = getattr(json.encoder, "c_make_encoder", None)  # not in the json module's types
_C_ENCODER = (_MAKE_C_ENCODER(None, _ENCODER.default, json.encoder.encode_basestring, None, ": ", ", ",
                              False, False, True)
              if _MAKE_C_ENCODER is not None else None)


def _compact(value: Any) -> str:
    if _C_ENCODER is None or isinstance(value, str):
        return _ENCODER.encode(value)
    return "".join(_C_ENCODER(value, 0))


def _field(value: Any) -> str:
    if isinstance(value, list) and value:
        return "[\n    " + ",\n    ".join(_compact(item) for item in value) + "\n  ]"
    if isinstance(value, dict) and value:
        return "{\n    " + ",\n    ".join(f"{_compact(k)}: {_compact(v)}" for k, v in value.items()) + "\n  }"
    return _compact(value)


def render_json(report: ThemesReport) -> str:
    document = report.to_json()
    if not document:
        return "{}\n"
    # A control or bidirectional character an older database holds is shown as [U+202E].
    return printable("{\n  " + ",\n  ".join(f"{_compact(k)}: {_field(v)}" for k, v in document.items()) + "\n}\n")


def write_json(report: ThemesReport, out: Output) -> Path:
    text = render_json(report)
    with output_file(out, "report") as tmp:
        tmp.write_text(text, encoding="utf-8")
    return out.path
