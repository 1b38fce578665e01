"""Backends: each turns the one checked rule tree into scores, side by side.

Every backend keeps one contract (:mod:`.contract`: the checked rules in; a :class:`Scorer`
out, for one lead and for a stream, with its generated source and, before compiling, the
constructs it cannot handle as diagnostics) and is found by name in the registry
(:mod:`.registry`) that ``leadrules.compile(..., backend=NAME)`` consults:

- ``reference`` (:mod:`.reference`): the tree-walking evaluator, written for clarity. It is
  the specification; every other backend is held to it by the conformance suite.
- ``compiled`` (:mod:`.python`, the default): the rules as generated Python code.

What every backend must agree on (comparisons, windows, unit points, limits, rounding, what
is missing) is :mod:`leadrules.backends.semantics`. A new backend is a module here with an
object keeping the contract, registered with :func:`register`.
"""

from .contract import Backend, Fidelity, Scorer, UnsupportedConstruct
from .registry import DEFAULT, get, names, register, unregister

__all__ = [
    "DEFAULT",
    "Backend",
    "Fidelity",
    "Scorer",
    "UnsupportedConstruct",
    "get",
    "names",
    "register",
    "unregister",
]
