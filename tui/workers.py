"""One way a screen takes back what its thread workers did.

A screen runs slow work with Textual's `@work(thread=True, ...)` and names the method that
takes the result with `@result_of(worker)` (and, where a failure needs more than the
app's sentence, `@failure_of(worker)`), instead of an `on_worker_state_changed` of its own
comparing worker groups as strings:

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> View: ...

    @result_of(load)
    def show(self, view: View) -> None: ...

`WorkerResults.on_worker_state_changed` is then the one dispatch: a finished worker's result
goes to its handler (a subclass's override of it included), a cancelled one's nowhere, and a
failure to the worker's failure handler, or else to the app, which tells it as a sentence
(and logs one nobody foresaw). A worker is known by its method's name, which is how
Textual names it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from textual.worker import Worker, WorkerState

F = TypeVar("F", bound=Callable[..., Any])

_RESULT = "_caseaudit_result_of"
_FAILURE = "_caseaudit_failure_of"


def _names(workers: tuple[Callable[..., Any], ...]) -> tuple[str, ...]:
    return tuple(w.__name__ for w in workers)


def result_of(*workers: Callable[..., Any]) -> Callable[[F], F]:
    """The decorated method takes the result of each of `workers` when it succeeds."""
    def mark(handler: F) -> F:
        setattr(handler, _RESULT, _names(workers))
        return handler
    return mark


def failure_of(*workers: Callable[..., Any]) -> Callable[[F], F]:
    """The decorated method takes the error of each of `workers` when it fails (and tells
    it: the app does not, for these)."""
    def mark(handler: F) -> F:
        setattr(handler, _FAILURE, _names(workers))
        return handler
    return mark


class WorkerResults:
    """Mixed into a screen: its workers' results and failures reach the marked methods."""

    _results: ClassVar[dict[str, str]] = {}
    _failures: ClassVar[dict[str, str]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        results: dict[str, str] = {}
        failures: dict[str, str] = {}
        for klass in reversed(cls.__mro__):
            for name, value in vars(klass).items():
                for worker in getattr(value, _RESULT, ()):
                    results[worker] = name
                for worker in getattr(value, _FAILURE, ()):
                    failures[worker] = name
        cls._results, cls._failures = results, failures

    async def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state == WorkerState.SUCCESS and worker.name in self._results:
            await _call(getattr(self, self._results[worker.name]), worker.result)
        elif event.state == WorkerState.ERROR and worker.error is not None:
            if worker.name in self._failures:
                await _call(getattr(self, self._failures[worker.name]), worker.error)
            else:
                self.app.show_problem(worker.error)  # type: ignore[attr-defined]  # a screen's app


async def _call(handler: Callable[[Any], Any], value: Any) -> None:
    done = handler(value)
    if inspect.isawaitable(done):
        await done
