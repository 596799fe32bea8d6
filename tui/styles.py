"""The app's stylesheet, remembering which of its rules match a widget in a given place.

Textual matches every widget it styles against the stylesheet's rules afresh: on each
mount, each focus change and each class toggled, a widget's candidate rules are filtered
from all of them and every selector is walked up the widget's ancestors. It remembers a
match only within one pass over a group of siblings, and each app parses all the CSS
again. caseaudit's screens are many widgets of a few kinds in the same few places (the
audit form's standards are rows of the same drop-downs, inputs and labels; each screen
change restyles the footer's keys): the walk from the dashboard to a new audit form asks
about 780 times, about 360 different places.

`MatchCachedStylesheet` answers each place once, the way Textual answers it: a selector
can only look at a widget's and its ancestors' types, ids, classes and the pseudo-classes
the rules name, so those, for the widget and each ancestor, are the key; the answer is the
styles Textual's own `Stylesheet.apply` chose the first time. A widget whose candidate
rules name a pseudo-class that depends on its siblings or descendants (`:first-child`,
`:odd`, `:focus-within`, `:empty`...) is matched afresh each time, as Textual does for its
own cache. Answers belong to the exact rules they came from: each widget kind first
mounted adds its default CSS, and a theme its variables, making a new set of rules.
The parsed rules and the answers are shared by every app in the process: a person's
terminal has one, a test run hundreds (the walk above: 742 ms of CPU to 616 ms, medians
of ten apps one after another in one process).

This leans on Textual's private `Stylesheet` internals (`rules_map`, `_parse_rules`,
`reparse`, `_selector_names`, `replace_rules`, `_process_component_classes`, the node's
`_id`/`_classes`). `tests/tui/test_style_matches.py` restyles screens both ways and fails
if any widget's styles differ, if a second app asks again, or if a theme's rules are stale.
"""

from __future__ import annotations

from typing import Any

from textual.css.model import RuleSet, SelectorType
from textual.css.stylesheet import CSSLocation, Stylesheet
from textual.dom import DOMNode

# Textual's own list of the pseudo-classes that depend on more than the node and its
# ancestors (siblings, descendants, focus below): rules naming one are never remembered.
_NOT_BY_PLACE: frozenset[str] = frozenset(Stylesheet._EXCLUDE_PSEUDO_CLASSES_FROM_CACHE)
_ORDER = frozenset({"first-of-type", "last-of-type", "first-child", "last-child", "empty"})
_NO_RULES = object()  # the answer "no rule sets anything here": Textual then leaves the styles be
MOST_PLACES = 50_000  # a bound on what is remembered; a long session starts again past it


class _Answers:
    """What is known of one set of rules: held with the rules, so their ids stay theirs."""

    __slots__ = ("rules", "ids", "matched", "candidates")

    def __init__(self, rules: list[RuleSet], ids: set[str]) -> None:
        self.rules = rules
        self.ids = ids
        self.matched: dict[tuple[Any, ...], object] = {}
        self.candidates: dict[frozenset[str], _Candidates] = {}


# Shared by the apps of one process (a test run starts hundreds; a person's terminal one):
# parsed rules by their CSS and variables, answers by the very rules they came from.
_PARSED: dict[tuple[Any, ...], list[RuleSet]] = {}
_ANSWERS: dict[tuple[int, ...], _Answers] = {}
RULE_SETS_KEPT = 64  # each widget kind first mounted adds its CSS: a new set of rules


class _Candidates:
    """What the rules that could match a widget with these selector names ask about."""

    __slots__ = ("pseudo", "hover", "focus_within", "order", "odd_or_even", "by_place")

    def __init__(self, rules: set[RuleSet]) -> None:
        named: set[str] = set().union(*[rule.pseudo_classes for rule in rules])
        self.pseudo = tuple(sorted(named))
        self.hover = "hover" in named
        self.focus_within = "focus-within" in named
        self.order = not named.isdisjoint(_ORDER)
        self.odd_or_even = "odd" in named or "even" in named
        self.by_place = named.isdisjoint(_NOT_BY_PLACE)


class MatchCachedStylesheet(Stylesheet):
    """Textual's stylesheet, with each place's matching rules worked out once."""

    _matched_for: object = None

    def copy(self) -> MatchCachedStylesheet:
        stylesheet = MatchCachedStylesheet(variables=self._variables.copy())
        stylesheet.source = self.source.copy()
        return stylesheet

    def reparse(self) -> None:
        """Textual's reparse (which parses into a new plain stylesheet, then takes its rules),
        parsing through this class so that the shared rules are found."""
        fresh = MatchCachedStylesheet(variables=self._variables)
        for read_from, (css, is_defaults, tie_breaker, scope) in self.source.items():
            fresh.add_source(css, read_from=read_from, is_default_css=is_defaults, tie_breaker=tie_breaker,
                             scope=scope)
        try:
            fresh.parse()
        except Exception:
            self._invalid_css.update(fresh._invalid_css)
            raise
        self._rules = fresh.rules
        self._rules_map = None
        self.source = fresh.source
        self._require_parse = False

    def _parse_rules(self, css: str, read_from: CSSLocation, is_default_rules: bool = False,
                     tie_breaker: int = 0, scope: str = "") -> list[RuleSet]:
        """Textual's parse, shared by every app in the process that reads the same CSS with
        the same variables (Textual keeps one per stylesheet: each app parsed it all again)."""
        key = (css, read_from, is_default_rules, tie_breaker, scope, tuple(sorted(self._variables.items())))
        rules = _PARSED.get(key)
        if rules is None:
            rules = super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)
            _PARSED[key] = rules
        return rules

    def _start_again(self, rules_map: dict[str, list[RuleSet]]) -> None:
        self._matched_for = rules_map
        rules = self.rules
        same_rules = tuple(map(id, rules))
        known = _ANSWERS.pop(same_rules, None)
        if known is None:
            ids = {selector.name for rule in rules for selector_set in rule.selector_set
                   for selector in selector_set.selectors if selector.type == SelectorType.ID}
            known = _Answers(rules, ids)
        _ANSWERS[same_rules] = known  # the most recent last
        while len(_ANSWERS) > RULE_SETS_KEPT:
            del _ANSWERS[next(iter(_ANSWERS))]
        self._matched = known.matched
        self._candidates = known.candidates
        self._ids_named = known.ids

    def _candidates_for(self, names: frozenset[str], rules_map: dict[str, list[RuleSet]]) -> _Candidates:
        found = self._candidates.get(names)
        if found is None:
            found = _Candidates({rule for name in rules_map.keys() & names for rule in rules_map[name]})
            self._candidates[names] = found
        return found

    def _place(self, node: DOMNode, pseudo: tuple[str, ...]) -> tuple[Any, ...]:
        """Everything about the node and its ancestors that a candidate selector can look at."""
        ids = self._ids_named
        return tuple((type(step), step._id if step._id in ids else None, frozenset(step._classes),
                      tuple([step.has_pseudo_class(name) for name in pseudo]))
                     for step in node.css_path_nodes)

    def apply(self, node: DOMNode, *, animate: bool = False, cache: dict[tuple, Any] | None = None) -> None:
        rules_map = self.rules_map
        if self._matched_for is not rules_map:
            self._start_again(rules_map)
        if len(self._matched) > MOST_PLACES:
            self._matched.clear()
        candidates = self._candidates_for(frozenset(node._selector_names), rules_map)
        if not candidates.by_place:
            super().apply(node, animate=animate, cache=cache)
            return
        # What Textual's apply notes on the node before matching, from the same rules.
        node._has_hover_style = candidates.hover
        node._has_focus_within = candidates.focus_within
        node._has_order_style = candidates.order
        node._has_odd_or_even = candidates.odd_or_even
        place = self._place(node, candidates.pseudo)
        answer = self._matched.get(place)
        if answer is None:
            # Textual's own matching, its answer caught in a cache of one entry.
            caught: dict[tuple, Any] = {}
            super().apply(node, animate=animate, cache=caught)
            self._matched[place] = next(iter(caught.values())) if caught else _NO_RULES
            return
        if answer is not _NO_RULES:
            self.replace_rules(node, answer, animate=animate)  # type: ignore[arg-type]
        self._process_component_classes(node)
