"""The compiled backend: checked rules turned into Python code (placeholder: until it lands,
it scores with the reference evaluator)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from .checker import CheckedRules
from .evaluator import evaluate_checked
from .result import Result

__all__ = ["compile_scorer"]


def compile_scorer(checked: CheckedRules) -> Callable[[Any, dt.datetime], Result]:
    """A function scoring one lead at an aware ``now``, giving exactly the reference
    evaluator's Result."""
    return functools.partial(evaluate_checked, checked)
