"""Leads and events as rules see them.

A lead is any attrs instance, any mapping, or any object with attributes. Names match ignoring
case and treating spaces, ``_`` and ``-`` alike; a backticked name is first matched exactly.
Names starting with ``_`` are private and never reachable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs

from .names import NameLike, normalize_name
from .values import MISSING

__all__ = ["ABSENT", "Event", "Lead", "Record"]


def _props_converter(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return {} if value is None else dict(value)


@attrs.frozen(slots=True)
class Event:
    """Something a lead did: ``Event("visited pricing page", at, {"path": "/pricing"})``.

    ``at`` is a ``datetime`` (naive ones are taken as UTC), a ``date``, ISO-8601 text or epoch
    seconds; it is read when the lead is scored, and an unreadable time becomes a warning.
    """

    name: str
    at: Any
    properties: Mapping[str, Any] = attrs.field(factory=dict, converter=_props_converter)


@attrs.frozen(slots=True, init=False)
class Lead:
    """A ready-made lead: ``Lead(email="ann@acme.com", company_size=250, events=[...])``.

    The common fields are typed attributes; any other keyword becomes an extra field, kept in
    ``extra`` and reachable from rules like the others (``Lead(budget=5000)`` -> ``budget``).
    """

    id: str | None = None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    job_title: str | None = None
    company: str | None = None
    company_size: int | None = None
    industry: str | None = None
    country: str | None = None
    events: tuple[Event, ...] = ()
    extra: Mapping[str, Any] = attrs.field(factory=dict)

    def __init__(
        self,
        *,
        id: str | None = None,
        email: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        job_title: str | None = None,
        company: str | None = None,
        company_size: int | None = None,
        industry: str | None = None,
        country: str | None = None,
        events: Iterable[Event] = (),
        **extra: Any,
    ) -> None:
        self.__attrs_init__(
            id=id,
            email=email,
            first_name=first_name,
            last_name=last_name,
            job_title=job_title,
            company=company,
            company_size=company_size,
            industry=industry,
            country=country,
            events=tuple(events),
            extra=dict(extra),
        )

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: extra fields read like attributes.
        if not name.startswith("_"):
            try:
                return object.__getattribute__(self, "extra")[name]
            except (KeyError, AttributeError):
                pass
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


# --------------------------------------------------------------------------- reading names

#: What Record.lookup answers for a name the object does not have (MISSING is what rules see).
ABSENT: Any = object()


def _keys_of(obj: Any) -> Iterator[tuple[str, Any]]:
    """(name, getter-token) pairs for an object's public fields, in a stable order."""
    if isinstance(obj, Mapping):
        for key in obj:
            if isinstance(key, str):
                yield key, ("item", key)
        return
    cls = type(obj)
    if attrs.has(cls):
        for field in attrs.fields(cls):
            if field.name == "extra":
                extra = getattr(obj, "extra", None)
                if isinstance(extra, Mapping):
                    for key in extra:
                        if isinstance(key, str):
                            yield key, ("extra", key)
                    continue
            yield field.name, ("attr", field.name)
        return
    seen: set[str] = set()
    try:
        namespace = vars(obj)
    except TypeError:
        namespace = {}
    for key in namespace:
        if isinstance(key, str):
            seen.add(key)
            yield key, ("attr", key)
    for klass in cls.__mro__:
        if klass is object:
            continue
        for key in getattr(klass, "__slots__", ()) or ():
            if isinstance(key, str) and key not in seen:
                seen.add(key)
                yield key, ("attr", key)
        for key, member in vars(klass).items():
            if key in seen or key.startswith("__"):
                continue
            # Properties and plain class-level values are fields; methods are not.
            if isinstance(member, property) or not (
                callable(member) or isinstance(member, (classmethod, staticmethod))
            ):
                seen.add(key)
                yield key, ("attr", key)
    fields = getattr(cls, "_fields", None)  # namedtuples
    if isinstance(fields, tuple):
        for key in fields:
            if isinstance(key, str) and key not in seen:
                seen.add(key)
                yield key, ("attr", key)


#: The indexes of plain dicts of at most _SHARED_KEYS keys, by their keys in order; at most
#: _SHARED_ORDERS key orders are kept, then the cache starts afresh.
_SHARED_KEYS = 256
_PLAIN_KEYS = frozenset({str})
_SHARED_ORDERS = 1024
_SHARED_INDEXES: dict[
    tuple[Any, ...], tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]
] = {}


class Record:
    """Read-only access to one lead (or one event's properties) by rule names.

    ``problems`` collects the troubles met while reading (a property that raised, ...), for the
    result's warnings.
    """

    __slots__ = ("_exact", "_normal", "obj", "problems")

    def __init__(self, obj: Any) -> None:
        self.obj = obj
        self._exact: dict[str, tuple[str, str]] | None = None
        self._normal: dict[str, tuple[str, str]] | None = None
        self.problems: list[str] = []

    def _index(self) -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
        if self._exact is None or self._normal is None:
            obj = self.obj
            keys: tuple[Any, ...] | None = None
            if type(obj) is dict and len(obj) <= _SHARED_KEYS:
                # Plain dicts with the same plain-text keys in the same order (the leads of
                # one file) share one index: it depends on nothing else, and is never changed.
                keys = tuple(obj)
                if {*map(type, keys)} <= _PLAIN_KEYS:
                    shared = _SHARED_INDEXES.get(keys)
                    if shared is not None:
                        self._exact, self._normal = shared
                        return shared
                else:
                    keys = None
            exact: dict[str, tuple[str, str]] = {}
            normal: dict[str, tuple[str, str]] = {}
            try:
                pairs = list(_keys_of(self.obj))
            except Exception as exc:  # a hostile object must not break scoring
                self.problems.append(f"could not list the lead's fields ({type(exc).__name__})")
                pairs = []
            for key, token in pairs:
                if key.startswith("_"):
                    continue  # private: never reachable
                exact.setdefault(key, token)
                normal.setdefault(normalize_name(key), token)
            self._exact, self._normal = exact, normal
            if keys is not None and not self.problems:
                if len(_SHARED_INDEXES) >= _SHARED_ORDERS:
                    _SHARED_INDEXES.clear()
                _SHARED_INDEXES[keys] = (exact, normal)
        return self._exact, self._normal

    def _read(self, token: tuple[str, str]) -> Any:
        how, key = token
        try:
            if how == "item":
                return self.obj[key]
            if how == "extra":
                return self.obj.extra[key]
            return getattr(self.obj, key)
        except Exception as exc:
            self.problems.append(f"{key}: reading it failed ({type(exc).__name__})")
            return None

    def lookup(self, text: str, exact: bool = False) -> Any:
        """The value of one name (no dots), or the ``ABSENT`` marker.

        A field spelt exactly as written wins; then (unless the name was backticked, and so
        wanted exactly) the snake_case spelling (``company size`` -> ``company_size``); then
        any field whose name matches once case and separators are ignored (the first such
        field, in the lead's own order).
        """
        obj = self.obj
        if type(obj) is dict and not text.startswith("_"):
            # Fast path for plain dicts (JSON): the same answer as the general path below.
            if text in obj:
                return obj[text]
            snake = text.replace(" ", "_")
            if not exact and snake in obj:
                return obj[snake]
        exact_index, normal_index = self._index()
        if text in exact_index:
            return self._read(exact_index[text])
        if not exact:
            snake = text.replace(" ", "_")
            if snake in exact_index:
                return self._read(exact_index[snake])
        token = normal_index.get(normalize_name(text))
        if token is None:
            return self._dynamic(text, exact)
        return self._read(token)

    def _dynamic(self, text: str, exact: bool) -> Any:
        """An attribute a plain object serves on demand (``__getattr__``, a proxy), which no
        listing shows: tried as written and in snake_case. Methods are not fields."""
        obj = self.obj
        if isinstance(obj, Mapping) or attrs.has(type(obj)):
            return ABSENT
        candidates = [text] if exact else [text, text.strip().replace(" ", "_").replace("-", "_")]
        for candidate in candidates:
            if not candidate.isidentifier() or candidate.startswith("_"):
                continue
            try:
                value = getattr(obj, candidate)
            except AttributeError:
                continue
            except Exception as exc:
                self.problems.append(f"{candidate}: reading it failed ({type(exc).__name__})")
                return None
            if callable(value):
                continue
            return value
        return ABSENT

    def get(self, name: NameLike) -> Any:
        """The value a rule name refers to: the raw value, or MISSING when there is no such
        field (a present field may still hold None or blank text: see values.is_missing)."""
        if name.is_private:
            return MISSING
        parts = name.parts
        value = self.lookup(parts[0].text, parts[0].exact)
        if value is ABSENT and len(parts) > 1:
            # A flat key with dots in it, as CSV headers sometimes have: "company.size".
            flat = self.lookup(".".join(p.text for p in parts), exact=True)
            return MISSING if flat is ABSENT else flat
        for part in parts[1:]:
            if value is ABSENT or value is None:
                return MISSING
            if isinstance(value, (str, bytes, int, float, bool, dt.date)):
                return MISSING
            value = Record(value).lookup(part.text, part.exact)
        return MISSING if value is ABSENT else value

    def has(self, name: NameLike) -> bool:
        return self.get(name) is not MISSING

    def events(self) -> Any:
        """The lead's ``events`` collection, or MISSING when it has none."""
        value = self.lookup("events")
        return MISSING if value is ABSENT else value
