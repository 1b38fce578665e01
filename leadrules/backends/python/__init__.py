"""The ``compiled`` backend (the default): the checked rules turned into Python source.

:mod:`.compiler` assembles a rule set's generated functions and is the backend;
:mod:`.codegen` writes conditions, :mod:`.scoring` the scoring function, :mod:`.explaining` the
explanation function; :mod:`.runtime` and :mod:`.memos` are what the generated code calls.
"""

from .compiler import BACKEND, PythonBackend, PythonScorer, compile_scorer

__all__ = ["BACKEND", "PythonBackend", "PythonScorer", "compile_scorer", "generated_source"]


def generated_source(scorer: object) -> str:
    """The Python source a compiled scorer (or a RuleSet scored by one) runs: for the
    curious, and for debugging. Empty for any other scorer."""
    scorer = getattr(scorer, "scorer", scorer)  # a RuleSet
    source = getattr(scorer, "source", None)
    return source if isinstance(source, str) else ""
