"""The practice standards catalogue: a TOML file, validated on load.

Each council sets its own timescales, so nothing about a standard is hard-coded: the
rules live in the catalogue and the engine reads them. A bad catalogue is refused with
a message naming the file, the standard and the field.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from audit_tools.calendar import Duration
from audit_tools.errors import BadInput
from audit_tools.files import read_text
from audit_tools.models import CaseType, EventKind

RuleKind = Literal["interval", "within", "present", "seen_alone", "judgement"]
RULE_KINDS = ("interval", "within", "present", "seen_alone", "judgement")

# Which parameters each rule kind takes (required, optional).
RULE_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "interval": (("kind", "anchor", "first_within", "every"), ("then_within",)),
    "within": (("kind", "after", "limit"), ()),
    "present": (("kind", "fresh_within"), ()),
    "seen_alone": ((), ()),
    "judgement": ((), ()),
}
PARAMETERS = ("kind", "anchor", "first_within", "then_within", "every", "after", "limit", "fresh_within")
DURATION_FIELDS = ("first_within", "then_within", "every", "limit", "fresh_within")


class Standard(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1)
    description: str = ""
    applies_to: tuple[CaseType, ...]
    rule: RuleKind
    kind: EventKind | None = None
    anchor: str | None = None  # "start" or an event kind
    first_within: Duration | None = None
    then_within: Duration | None = None
    every: Duration | None = None
    after: EventKind | None = None
    limit: Duration | None = None
    fresh_within: Duration | None = None
    threshold: float | None = Field(default=None, gt=0, le=1)
    look_back: Duration | None = None

    @field_validator("applies_to", mode="before")
    @classmethod
    def _all_types(cls, value: object) -> object:
        if value == "all":
            return tuple(CaseType)
        if isinstance(value, str):
            return (value,)
        return value

    @field_validator(*DURATION_FIELDS, "look_back", mode="before")
    @classmethod
    def _duration(cls, value: object) -> object:
        if value is None or isinstance(value, Duration):
            return value
        return Duration.parse(str(value))

    @field_validator("anchor")
    @classmethod
    def _anchor(cls, value: str | None) -> str | None:
        if value is None or value == "start":
            return value
        if value not in EventKind.__members__:
            raise ValueError(f"anchor must be 'start' or an event kind, not {value!r}")
        return value

    @model_validator(mode="after")
    def _parameters_fit_rule(self) -> "Standard":
        required, optional = RULE_FIELDS[self.rule]
        problems = [f"field '{name}': a {self.rule} rule needs it" for name in required if getattr(self, name) is None]
        problems += [
            f"field '{name}': a {self.rule} rule does not take it"
            for name in PARAMETERS
            if name not in required and name not in optional and getattr(self, name) is not None
        ]
        if not self.applies_to:
            problems.append("field 'applies_to': name at least one case type, or \"all\"")
        if problems:
            # one line per problem, so the author sees them all at once
            raise ValueError("\n".join(problems))
        return self

    def applies(self, case_type: CaseType) -> bool:
        return CaseType(case_type) in self.applies_to


class Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    look_back: Duration = Duration(6, "m")
    threshold: float = Field(default=0.8, gt=0, le=1)
    standards: tuple[Standard, ...]
    source: str = ""

    @field_validator("look_back", mode="before")
    @classmethod
    def _duration(cls, value: object) -> object:
        return value if isinstance(value, Duration) else Duration.parse(str(value))

    def get(self, standard_id: str) -> Standard | None:
        for standard in self.standards:
            if standard.id == standard_id:
                return standard
        return None

    def applicable(self, case_type: CaseType | str) -> list[Standard]:
        """The standards that apply to a case type, in catalogue order."""
        kind = CaseType(case_type)  # once, not once a standard: the engine asks for every case it checks
        return [s for s in self.standards if kind in s.applies_to]

    def threshold_for(self, standard: Standard) -> float:
        return standard.threshold if standard.threshold is not None else self.threshold

    def look_back_for(self, standard: Standard) -> Duration:
        return standard.look_back or self.look_back

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"


def _format_error(where: str, err: ValidationError, prefix: str = "") -> list[str]:
    lines: list[str] = []
    for item in err.errors():
        loc = ".".join(str(p) for p in item["loc"] if p not in ("function-after",))
        msg = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            msg = "unknown field"
        elif item["type"] == "missing":
            msg = "missing"
        elif item["type"] == "enum":
            msg = f"{item['input']!r} is not one of: {item['ctx'].get('expected', '')}"
        elif item["type"] == "literal_error":
            msg = f"{item['input']!r} is not one of: {', '.join(RULE_KINDS)}"
        if msg.startswith("field '"):
            lines.extend(f"{where}: {prefix}{part}" for part in msg.split("\n"))
        elif loc:
            lines.append(f"{where}: {prefix}field '{loc}': {msg}")
        else:
            lines.append(f"{where}: {prefix}{msg}")
    return lines


def parse_catalogue(text: str, where: str = "catalogue") -> Catalogue:
    """Parse and validate catalogue TOML; BadInput lists every problem, naming the place."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise BadInput(f"{where}: not valid TOML: {err}") from None
    problems: list[str] = []
    raw_standards = data.pop("standard", None)
    if not isinstance(raw_standards, list) or not raw_standards:
        raise BadInput(f"{where}: no standards: add [[standard]] tables")
    standards: list[Standard] = []
    seen: dict[str, int] = {}
    for position, raw in enumerate(raw_standards, start=1):
        label = f"standard '{raw.get('id')}'" if isinstance(raw, dict) and raw.get("id") else f"standard #{position}"
        if not isinstance(raw, dict):
            problems.append(f"{where}: {label}: must be a table")
            continue
        try:
            standard = Standard.model_validate(raw)
        except ValidationError as err:
            problems.extend(_format_error(where, err, prefix=f"{label}: "))
            continue
        if standard.id in seen:
            problems.append(
                f"{where}: {label}: field 'id': duplicate id (also standard #{seen[standard.id]})"
            )
            continue
        seen[standard.id] = position
        standards.append(standard)
    header = {k: v for k, v in data.items()}
    try:
        catalogue = Catalogue.model_validate({**header, "standards": [], "source": where})
    except ValidationError as err:
        problems.extend(_format_error(where, err))
        catalogue = None
    if problems:
        raise BadInput(*problems)
    assert catalogue is not None
    return catalogue.model_copy(update={"standards": tuple(standards)})


def default_catalogue_text() -> str:
    return resources.files("audit_tools.standards").joinpath("default.toml").read_text("utf-8")


def read_catalogue_file(path: str | Path) -> str:
    """A catalogue file's text, validated: BadInput names the file and every problem."""
    text = read_text(path, "standards catalogue", "TOML")
    parse_catalogue(text, where=str(path))
    return text


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """The catalogue in `path`, or the default one shipped with caseaudit."""
    if path is None:
        return parse_catalogue(default_catalogue_text(), where="default catalogue")
    return parse_catalogue(read_text(path, "standards catalogue", "TOML"), where=str(path))
