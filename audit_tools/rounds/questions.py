"""A thematic round's question set: the questions, their answers and which need a comment."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from pydantic import Field, ValidationError, field_validator

from audit_tools.errors import BadInput
from audit_tools.files import read_text
from audit_tools.models import Model

ALGORITHM = "round-v1"
DEFAULT_ANSWERS = ("yes", "partly", "no", "not_applicable")
DEFAULT_COMMENT_REQUIRED = ("partly", "no")
NOT_APPLICABLE = "not_applicable"
_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_ANSWER = re.compile(r"^[a-z][a-z0-9_]*$")


# --- the question set -------------------------------------------------------------------


class Question(Model):
    id: str
    title: str = Field(min_length=1)
    help: str = ""
    answers: list[str] = Field(default_factory=lambda: list(DEFAULT_ANSWERS))
    comment_required: list[str] = Field(default_factory=lambda: list(DEFAULT_COMMENT_REQUIRED))

    @field_validator("id")
    @classmethod
    def _id_words(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(f"{value!r} is not lowercase words and hyphens, e.g. neglect-named")
        return value

    @field_validator("answers")
    @classmethod
    def _answers(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("give at least one answer")
        bad = [a for a in value if not _ANSWER.match(a)]
        if bad:
            raise ValueError(f"{', '.join(map(repr, bad))}: answers are lowercase words joined by _, e.g. partly")
        if len(set(value)) != len(value):
            raise ValueError("an answer appears more than once")
        return value

    def needs_comment(self, answer: str | None) -> bool:
        return answer is not None and answer in self.comment_required


class QuestionSet(Model):
    name: str = Field(min_length=1)
    questions: list[Question]

    def get(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


def parse_questions(text: str, where: str = "question file") -> QuestionSet:
    """A question file (TOML, cli.md "Thematic rounds"), or BadInput naming each question and field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise BadInput(f"{where}: not valid TOML: {err}") from None
    problems: list[str] = []
    raw_questions = data.pop("question", None)
    name = data.pop("name", None)
    if not isinstance(name, str) or not name.strip():
        problems.append(f"{where}: field 'name': missing; name the theme, e.g. name = \"Neglect\"")
    problems += [f"{where}: field {key!r}: unknown field" for key in sorted(data)]
    if not isinstance(raw_questions, list) or not raw_questions:
        problems.append(f"{where}: no questions: add [[question]] tables")
        raise BadInput(*problems)
    questions: list[Question] = []
    seen: dict[str, int] = {}
    for position, raw in enumerate(raw_questions, start=1):
        label = (f"question '{raw.get('id')}'" if isinstance(raw, dict) and isinstance(raw.get("id"), str)
                 else f"question #{position}")
        if not isinstance(raw, dict):
            problems.append(f"{where}: {label}: must be a table")
            continue
        try:
            question = Question.model_validate(raw)
        except ValidationError as err:
            for item in err.errors():
                field = ".".join(str(p) for p in item["loc"]) or "?"
                msg = item["msg"].removeprefix("Value error, ")
                if item["type"] == "extra_forbidden":
                    msg = "unknown field"
                elif item["type"] == "missing":
                    msg = "missing"
                problems.append(f"{where}: {label}: field '{field}': {msg}")
            continue
        unknown = [a for a in question.comment_required if a not in question.answers]
        if unknown:
            problems.append(f"{where}: {label}: field 'comment_required': {', '.join(unknown)} "
                            "is not one of its answers")
            continue
        if question.id in seen:
            problems.append(f"{where}: {label}: field 'id': duplicate id (also question #{seen[question.id]})")
            continue
        seen[question.id] = position
        questions.append(question)
    if problems:
        raise BadInput(*problems)
    return QuestionSet(name=str(name).strip(), questions=questions)


def load_questions(path: str | Path) -> QuestionSet:
    return parse_questions(read_text(path, "question file", "TOML"), where=str(path))

