"""Checking rules against a schema (an attrs class, or a mapping of names to types).

Placeholder until the schema checker lands: a schema is accepted and recorded, and only names
that cannot exist are rejected.
"""

from __future__ import annotations

from typing import Any

from .checker import CheckedRules

__all__ = ["check_schema"]


def check_schema(rules: CheckedRules, schema: Any) -> None:
    """Raise SchemaError when ``rules`` do not fit ``schema``."""
    del rules, schema
