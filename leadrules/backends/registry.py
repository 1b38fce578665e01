"""The registry of backends, which ``compile(..., backend=NAME)`` consults.

The built-in backends are registered by name and loaded when first asked for (a backend's
module may be heavy, or need an optional dependency); :func:`register` adds another. Registering
a backend is enough to have it held to the reference evaluator by the conformance suite
(``tests/backends/test_conformance.py``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from ..errors import InvalidArgument
from .contract import Backend

__all__ = ["DEFAULT", "get", "names", "register", "unregister"]

#: The backend of ``compile()`` when none is named.
DEFAULT = "compiled"


def _reference() -> Backend:
    from .reference import BACKEND

    return BACKEND


def _compiled() -> Backend:
    from .python import BACKEND

    return BACKEND


def _duckdb() -> Backend:
    from .sql import BACKEND

    return BACKEND


_LOADERS: dict[str, Callable[[], Backend]] = {
    "compiled": _compiled,
    "duckdb": _duckdb,
    "reference": _reference,
}
_LOADED: dict[str, Backend] = {}
_LOCK = threading.Lock()


def register(backend: Backend, *, replace: bool = False) -> None:
    """Make ``backend`` available to ``compile(..., backend=backend.name)``. A name already
    registered is refused unless ``replace`` is true."""
    if not isinstance(backend, Backend):
        raise InvalidArgument(
            f"register() takes a backend (with name, description, fidelity, unsupported() "
            f"and compile()), not {type(backend).__name__}"
        )
    with _LOCK:
        if not replace and backend.name in _LOADERS:
            raise InvalidArgument(
                f"a backend named {backend.name!r} is registered already; "
                "pass replace=True to replace it"
            )
        _LOADED[backend.name] = backend
        _LOADERS[backend.name] = lambda: backend


def unregister(name: str) -> None:
    """Remove a backend that :func:`register` added (the built-in ones stay)."""
    if name in ("compiled", "duckdb", "reference"):
        raise InvalidArgument(f"the built-in backend {name!r} cannot be unregistered")
    with _LOCK:
        _LOADERS.pop(name, None)
        _LOADED.pop(name, None)


def names() -> tuple[str, ...]:
    """The names of the registered backends, the default first."""
    return (DEFAULT, *sorted(n for n in _LOADERS if n != DEFAULT))


def get(name: str) -> Backend:
    """The backend registered as ``name``; an unknown name is an error listing the names."""
    found = _LOADED.get(name) if isinstance(name, str) else None
    if found is not None:
        return found
    loader = _LOADERS.get(name) if isinstance(name, str) else None
    if loader is None:
        raise InvalidArgument(
            f"backend must be one of {', '.join(map(repr, names()))}, not {name!r}"
        )
    with _LOCK:
        found = _LOADED.get(name)
        if found is None:
            found = _LOADED[name] = loader()
    return found
