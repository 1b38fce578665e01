"""The backend contract and the registry: what a backend author relies on.

A backend is found by name; an unknown name lists the registered ones; a backend that lacks a
construct refuses it at compile time with a diagnostic at its span, never scoring it otherwise;
no backend reaches into another backend's (or any module's) private names.
"""

from __future__ import annotations

import datetime as dt
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

import leadrules
from leadrules import backends
from leadrules.backends import Fidelity, UnsupportedConstruct
from leadrules.backends.contract import Backend, Scorer, SimpleScorer, constructs_lacking
from leadrules.backends.reference import Evaluation, Outcome, evaluate_checked
from leadrules.lang import ast
from leadrules.lang.checker import CheckedRules
from leadrules.runtime.leads import Record

PACKAGE = Path(leadrules.__file__).resolve().parent
NOW = dt.datetime(2026, 11, 20, tzinfo=dt.timezone.utc)


class NoPatterns(Evaluation):
    """The reference evaluation, without `matches`: a backend that lacks one construct."""

    visit_matches = Evaluation.refuse


class NoPatternsBackend:
    name = "no-patterns"
    description = "the reference without patterns (a test double)"
    fidelity = Fidelity.RESULT

    def unsupported(self, rules: CheckedRules) -> tuple[Any, ...]:
        return constructs_lacking(rules, NoPatterns, self.name)

    def compile(self, rules: CheckedRules) -> SimpleScorer:
        return SimpleScorer(self.name, lambda lead, now: NoPatterns(rules, lead, now).run())


@pytest.fixture
def no_patterns() -> Any:
    backend = NoPatternsBackend()
    backends.register(backend)
    yield backend
    backends.unregister(backend.name)


def test_the_built_in_backends_are_registered_with_the_default_first() -> None:
    names = backends.names()
    assert names[0] == backends.DEFAULT == "compiled"
    assert {"compiled", "reference"} <= set(names)
    for name in ("compiled", "reference"):
        backend = backends.get(name)
        assert isinstance(backend, Backend)
        assert backend.name == name
        assert backend.fidelity is Fidelity.RESULT


def test_an_unknown_backend_is_an_error_listing_the_registered_ones() -> None:
    with pytest.raises(leadrules.InvalidArgument) as caught:
        leadrules.compile("+1 when a", backend="duck")
    assert str(caught.value).startswith("backend must be one of 'compiled', ")
    assert all(repr(name) in str(caught.value) for name in backends.names())
    assert str(caught.value).endswith(", not 'duck'")
    with pytest.raises(leadrules.LeadRulesError):
        backends.get("duck")


def test_a_registered_backend_scores_through_compile(no_patterns: Any) -> None:
    rules = leadrules.compile("+2 when a; MQL at 2", backend="no-patterns")
    assert rules.backend == "no-patterns"
    assert isinstance(rules.scorer, Scorer)
    assert rules.scorer.source is None
    assert rules.evaluate({"a": "yes"}, NOW).stage == "MQL"
    assert [r.score for r in rules.evaluate_many([{"a": 1}, {}], NOW)] == [2, 0]


def test_a_construct_a_backend_lacks_is_refused_at_compile_time_at_its_span(
    no_patterns: Any,
) -> None:
    source = "+1 when a\n+2 when b or title matches /vp/i\n"
    with pytest.raises(UnsupportedConstruct) as caught:
        leadrules.compile(source, backend="no-patterns", filename="s.leadrules")
    error = caught.value
    assert isinstance(error, leadrules.RuleSyntaxError)
    assert (error.filename, error.line, error.column) == ("s.leadrules", 2, 14)
    assert "no-patterns backend cannot evaluate `matches /pattern/`" in str(error)
    assert "    +2 when b or title matches /vp/i\n" in str(error)
    assert "^" in str(error)


def test_a_name_is_registered_once_unless_replaced(no_patterns: Any) -> None:
    with pytest.raises(leadrules.InvalidArgument, match="registered already"):
        backends.register(NoPatternsBackend())
    backends.register(NoPatternsBackend(), replace=True)
    with pytest.raises(leadrules.InvalidArgument):
        backends.register(object())  # type: ignore[arg-type]
    with pytest.raises(leadrules.InvalidArgument):
        backends.unregister("reference")


def test_the_full_backends_lack_no_construct() -> None:
    source = (PACKAGE.parent / "examples" / "b2b.leadrules").read_text(encoding="utf-8")
    checked = leadrules.compile(source).checked
    for name in ("compiled", "reference"):
        assert backends.get(name).unsupported(checked) == ()


def test_the_reference_evaluation_handles_every_construct() -> None:
    from leadrules.lang.visitor import unhandled

    assert unhandled(Evaluation) == ()
    assert unhandled(NoPatterns) == (ast.Matches,)
    rules = leadrules.compile("+1 when a").checked
    out = Evaluation(rules, {"a": "no"}, NOW).cond(rules.score_rules[0].condition, Record({}))
    assert out == Outcome(None, (), out.unknowns)
    assert evaluate_checked(rules, {"a": "yes"}, NOW).score == 1


def test_the_modules_moved_by_the_new_layout_keep_their_old_names() -> None:
    for old in ("leadrules.ast", "leadrules.analysis", "leadrules.compiler"):
        sys.modules.pop(old, None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        import leadrules.analysis as old_analysis
        import leadrules.ast as old_ast
        import leadrules.compiler as old_compiler
    from leadrules.backends import python as new_compiler
    from leadrules.lang import analysis as new_analysis

    assert old_ast.RuleFile is ast.RuleFile
    assert old_analysis.score_bounds is new_analysis.score_bounds
    assert old_compiler.generated_source is new_compiler.generated_source
    assert {str(w.message) for w in caught} >= {
        "leadrules.ast is now leadrules.lang.ast; import it from there"
    }
    assert all(issubclass(w.category, DeprecationWarning) for w in caught)
