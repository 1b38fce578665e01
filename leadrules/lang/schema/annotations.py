"""The annotations of a schema class, read one field at a time: a field whose annotation names
something that cannot be found (a ``Literal`` imported inside the function that defines the
class, under ``from __future__ import annotations``; a type imported only for type checkers)
is not read as "any type" but marked :class:`Unreadable`, so that a rule using it is an
error that names the field and says what to do (:mod:`.check`).

Names are looked up as :func:`typing.get_type_hints` looks them up (the globals of the module
that defines each class, then its class body), then in the class itself (so a class may name
itself), then in a ``namespace`` the caller passes (``schema_of(Cls, namespace=locals())``).
"""

from __future__ import annotations

import inspect
import sys
import typing
from collections.abc import Mapping
from typing import Any

import attrs

__all__ = ["Unreadable", "annotations_of", "has_names_in_quotes", "resolve_annotation"]


@attrs.frozen
class Unreadable:
    """An annotation that could not be read: ``field`` of class ``owner`` (its qualified
    name), written ``annotation``; ``missing`` is the name that could not be found, when the
    failure was a missing name, ``problem`` what went wrong otherwise."""

    owner: str
    field: str
    annotation: str
    missing: str | None = None
    problem: str = ""

    @property
    def local(self) -> bool:
        """Whether the class is defined inside a function (whose names are not visible)."""
        return "<locals>" in self.owner

    @property
    def owner_name(self) -> str:
        return self.owner.rsplit(".", 1)[-1]


def _written(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, typing.ForwardRef):
        return value.__forward_arg__
    text = repr(value)
    return text.replace("typing.", "")


def _globals_of(cls: type) -> dict[str, Any]:
    module = sys.modules.get(cls.__module__)
    return dict(vars(module)) if module is not None else {}


def resolve_annotation(
    value: Any, owner: type, field: str, namespace: Mapping[str, Any] | None = None
) -> Any:
    """The type ``value`` (an annotation of ``field`` in ``owner``, text or not) stands for,
    or an :class:`Unreadable` saying why it cannot be read."""
    if not isinstance(value, (str, typing.ForwardRef)) and not has_names_in_quotes(value):
        return value
    localns = {**vars(owner), owner.__name__: owner, **(namespace or {})}
    holder = type("_Annotation", (), {"__annotations__": {field: value}})
    try:
        return typing.get_type_hints(holder, _globals_of(owner), localns)[field]
    except NameError as exc:
        missing = getattr(exc, "name", None)
        return Unreadable(owner.__qualname__, field, _written(value), missing, str(exc))
    except Exception as exc:  # a syntax error in the text, a failing __class_getitem__, ...
        problem = f"{type(exc).__name__}: {exc}"
        return Unreadable(owner.__qualname__, field, _written(value), None, problem)


def has_names_in_quotes(value: Any) -> bool:
    """Whether a type such as ``list["Webinar"]`` holds names still to be looked up (the
    values of a ``Literal`` and the notes of an ``Annotated`` are not names)."""
    origin = typing.get_origin(value)
    if origin is typing.Literal:
        return False
    args = typing.get_args(value)
    if origin is typing.Annotated:
        args = args[:1]
    return any(isinstance(a, (str, typing.ForwardRef)) or has_names_in_quotes(a) for a in args)


def annotations_of(cls: type, namespace: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Each annotated name of ``cls`` and its bases -> its type, or an :class:`Unreadable`."""
    if not namespace:
        try:
            return typing.get_type_hints(cls)  # the usual case: everything can be read
        except Exception:
            pass
    found: dict[str, Any] = {}
    # A TypedDict holds its bases' annotations itself; other classes are read base by base.
    classes = [cls] if typing.is_typeddict(cls) else list(reversed(cls.__mro__))
    for klass in classes:
        try:
            own = inspect.get_annotations(klass)
        except Exception:  # pragma: no cover - annotations that fail to evaluate lazily
            own = {}
        for field, value in own.items():
            found[field] = resolve_annotation(value, klass, field, namespace)
    return found
