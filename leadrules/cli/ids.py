"""Which field identifies a lead: in the leads file (``--id-field``, else a recognised header)
and in the events file (``--events-id-field``, else a recognised header), chosen once from the
headers (a CSV file's header, a JSON file's first record), with a message that names the
candidates and the option to use when the choice cannot be made.

Recognised lead id headers, in order: ``id``, ``Record ID`` (HubSpot), ``Lead ID``, ``Contact ID``
(Salesforce, HubSpot's events). The events file's lead id column is, in order: ``lead id`` or
``lead``; a column named like the leads' id column; ``Contact ID`` or ``Record ID``; never an
``Email`` column unless named (an address is not an identifier: one person has several, and
one address can be shared or change case). Names are matched as rules match names.

Not here: reading the files (:mod:`.records`), joining the events (:mod:`.events`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..runtime.names import normalize_name
from .inputs import InputError

__all__ = [
    "EVENT_ID_HEADERS",
    "LEAD_ID_HEADERS",
    "IdChoiceError",
    "choose_events_id",
    "choose_lead_id",
    "find_header",
    "headers_text",
]

#: Headers that identify a lead, best first (normalised).
LEAD_ID_HEADERS = ("id", "record id", "lead id", "contact id")
#: Headers of an events file that hold the lead's id, after ``lead id``/``lead`` and the leads'
#: own id header (normalised); two of these at once are ambiguous.
EVENT_ID_HEADERS = ("contact id", "record id")


class IdChoiceError(InputError):
    """The id column named does not exist, or none (or several) could be chosen."""


def find_header(headers: Iterable[str], name: str) -> str | None:
    """The header ``name`` is: spelt exactly so, else the first that is ``name`` once case and
    separators are ignored (as rules match names)."""
    listed = list(headers)
    if name in listed:
        return name
    wanted = normalize_name(name)
    for header in listed:
        if normalize_name(header) == wanted:
            return header
    return None


def headers_text(headers: Sequence[str], limit: int = 12) -> str:
    """``'Record ID', 'Email', ...`` for a message."""
    shown = ", ".join(repr(h) for h in headers[:limit])
    more = len(headers) - limit
    return shown + (f" and {more} more" if more > 0 else "") if headers else "none"


def choose_lead_id(
    headers: Sequence[str],
    name: str | None,
    where: str,
    *,
    events_headers: Sequence[str] | None = None,
    kind: str = "column",
) -> str | None:
    """The leads' id header: ``name`` (``--id-field``) when given, which must be one of
    ``headers``; else the recognised id header the leads have. With an events file
    (``events_headers``), several recognised headers are settled by the one the events file
    also has; without one, the first recognised header is taken. None when the leads have no
    id and no events are joined (rows are then labelled ``#N``)."""
    if name is not None:
        found = find_header(headers, name)
        if found is None:
            raise IdChoiceError(
                f"--id-field {name!r}: {where} has no {kind} {name!r} (its {kind}s: "
                f"{headers_text(headers)})"
            )
        return found
    candidates = [h for key in LEAD_ID_HEADERS for h in headers if normalize_name(h) == key]
    candidates = list(dict.fromkeys(candidates))
    if events_headers is None:
        return candidates[0] if candidates else None
    if not candidates:
        raise IdChoiceError(
            f"cannot join the events: {where} has no id {kind} (none of id, Record ID, Lead ID, "
            f"Contact ID; its {kind}s: {headers_text(headers)}); name it with --id-field "
            f"{kind.upper()}"
        )
    if len(candidates) == 1 or normalize_name(candidates[0]) == "id":
        return candidates[0]
    shared = [h for h in candidates if find_header(events_headers, h) is not None]
    if len(shared) == 1:
        return shared[0]
    raise IdChoiceError(
        f"cannot tell which {kind} of {where} identifies a lead: {headers_text(candidates)}; "
        f"choose one with --id-field {kind.upper()}"
    )


def choose_events_id(
    headers: Sequence[str],
    name: str | None,
    where: str,
    lead_id: str | None,
    *,
    kind: str = "column",
) -> str:
    """The events file's header that holds the lead's id: ``name`` (``--events-id-field``)
    when given, which must be one of ``headers``; else ``lead id`` or ``lead``, a header named
    like the leads' id header ``lead_id``, or one of :data:`EVENT_ID_HEADERS`."""
    if name is not None:
        found = find_header(headers, name)
        if found is None:
            raise IdChoiceError(
                f"--events-id-field {name!r}: {where} has no {kind} {name!r} (its {kind}s: "
                f"{headers_text(headers)})"
            )
        return found
    for wanted in ("lead id", "lead", *((lead_id,) if lead_id else ())):
        found = find_header(headers, wanted)
        if found is not None:
            return found
    candidates = [h for key in EVENT_ID_HEADERS for h in headers if normalize_name(h) == key]
    candidates = list(dict.fromkeys(candidates))
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        raise IdChoiceError(
            f"cannot tell which {kind} of {where} holds the lead's id: "
            f"{headers_text(candidates)}; choose one with --events-id-field {kind.upper()}"
        )
    listed = ("lead id", "lead", *EVENT_ID_HEADERS)
    own = (
        f", or the leads' id {kind} {lead_id!r}"
        if lead_id and normalize_name(lead_id) not in listed
        else ""
    )
    raise IdChoiceError(
        f"cannot join the events: {where} has no {kind} for the lead's id (none of lead id, "
        f"lead, Contact ID, Record ID{own}; its {kind}s: {headers_text(headers)}); name it "
        f"with --events-id-field {kind.upper()}"
    )
