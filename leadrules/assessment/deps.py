"""The optional dependencies of the assessment (numpy, scipy, scikit-learn: the extra
``leadrules[assess]``), and the error that says how to install them when they are missing.

The rest of leadrules never imports them: ``import leadrules`` stays light, and only
:func:`leadrules.assess` (and ``leadrules assess``) asks for them, through :func:`require`.
"""

from __future__ import annotations

import importlib.util

from ..errors import LeadRulesError

__all__ = ["INSTALL", "REQUIRED", "MissingDependency", "missing", "require"]

#: The modules the assessment needs, and the distributions that provide them.
REQUIRED = (("numpy", "numpy"), ("scipy", "scipy"), ("sklearn", "scikit-learn"))
#: What to run to get them.
INSTALL = 'pip install "leadrules[assess]"'


class MissingDependency(LeadRulesError, ImportError):
    """The assessment's optional dependencies are not installed; the message names them and
    the command that installs them. Also an :class:`ImportError`."""


def missing() -> list[str]:
    """The distributions of :data:`REQUIRED` that cannot be imported."""
    out = []
    for module, distribution in REQUIRED:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            out.append(distribution)
    return out


def require(what: str = "assessing rules against outcomes") -> None:
    """Raise :class:`MissingDependency` unless numpy, scipy and scikit-learn are installed."""
    absent = missing()
    if absent:
        names = absent[0] if len(absent) == 1 else ", ".join(absent[:-1]) + " and " + absent[-1]
        verb = "is" if len(absent) == 1 else "are"
        raise MissingDependency(
            f"{what} needs {names}, which {verb} not installed: {INSTALL} "
            '(from a checkout: pip install -e ".[assess]")'
        )
