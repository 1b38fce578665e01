"""A CRM record type for `leadrules check --schema` (docs/cli.md and tests/test_cli.py)."""

from __future__ import annotations

import attrs


@attrs.define
class Prospect:
    email: str | None = None
    job_title: str | None = None
    company_size: int | None = None
    industry: str | None = None
    country: str | None = None
    requested_demo: bool = False
