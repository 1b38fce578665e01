"""The rule files the spec (``language.md``) itself shows, shared by the tests."""

from __future__ import annotations

#: The realistic rule file of language.md §2, copied verbatim.
SPEC_EXAMPLE = r"""# Who they are
define decision maker as job title matches /\b(chief|vp|head|director)\b/i
define enterprise as company size >= 1000

group fit max 50:
    +20 when decision maker
    +15 when company size between 50 and 5000
    +10 when industry in ["software", "fintech", "healthcare", "retail"]
    -10 when email ends with "@gmail.com" as "Personal email address"

group engagement max 60:
    +20 when downloaded whitepaper
    +5 per opened email within 30 days, up to 15
    +25 when visited pricing page at least 3 times within 14 days
    +30 when requested demo
    +20 when attended webinar, decaying 50% every 30 days

disqualify when country not in ["GB", "IE"] because "We only sell in the UK and Ireland"
disqualify when email ends with "@competitor.com"

MQL at 50
SQL at 80 when requested demo or booked call
"""

#: The guiding example of language.md, which must work exactly as written.
GUIDING_EXAMPLE = "+20 when downloaded whitepaper; disqualify when country != 'GB'; MQL at 50"

#: The same file minus its event lines (what the core issue asks to score without events).
SPEC_EXAMPLE_WITHOUT_EVENTS = "".join(
    line
    for line in SPEC_EXAMPLE.splitlines(keepends=True)
    if not any(event in line for event in ("opened email", "pricing page", "attended webinar"))
)
