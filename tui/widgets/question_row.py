"""One question of a thematic round on the audit form: its title and help, the answer as a
choice, and the comment box, which the answers that need a comment say they need."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Input, Select, Static

from audit_tools.models import RoundAnswer
from audit_tools.rounds import Question


def answer_words(answer: str) -> str:
    return answer.replace("_", " ")


class QuestionRow(Vertical):
    DEFAULT_CSS = """
    QuestionRow { height: auto; margin-bottom: 1; }
    QuestionRow Horizontal { height: auto; }
    QuestionRow Select { width: 24; }
    QuestionRow Input { width: 1fr; }
    """

    def __init__(self, question: Question, given: RoundAnswer | None) -> None:
        super().__init__(classes="question-row")
        self.question = question
        self.given = given or RoundAnswer()

    def compose(self) -> ComposeResult:
        q = self.question
        title = Text(q.title, style="bold")
        if q.comment_required:
            title.append(f"  (a comment is needed for {', '.join(answer_words(a) for a in q.comment_required)})",
                         style="dim")
        yield Static(title)
        if q.help:
            yield Static(Text(q.help, style="italic"))
        yield Horizontal(
            Select([(answer_words(a), a) for a in q.answers], prompt="answer", compact=True,
                   value=self.given.answer if self.given.answer in q.answers else Select.NULL,
                   id=f"answer-{q.id}"),
            Input(self.given.comment, placeholder="comment", compact=True, id=f"comment-{q.id}"),
        )

    def read(self) -> RoundAnswer | None:
        value = self.query_one(f"#answer-{self.question.id}", Select).value
        comment = self.query_one(f"#comment-{self.question.id}", Input).value.strip()
        answer = None if value == Select.NULL else str(value)
        if answer is None and not comment:
            return None
        return RoundAnswer(answer=answer, comment=comment)

    def widget_for(self, field: str) -> Widget | None:
        """The box of "answers.<question>.answer" or "answers.<question>.comment"."""
        parts = field.split(".")
        if len(parts) < 2 or parts[0] != "answers" or parts[1] != self.question.id:
            return None
        if len(parts) == 3 and parts[2] == "comment":
            return self.query_one(f"#comment-{self.question.id}", Input)
        return self.query_one(f"#answer-{self.question.id}", Select)
