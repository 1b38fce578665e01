"""Assess a rule file on a B2B funnel that someone else simulated: leadforge, an open-source
generator of synthetic CRM data (accounts, contacts, leads, marketing touches, product
sessions, sales activities and a 90-day conversion label), made offline from a seed.

Run, from a checkout (leadforge and the assess extra installed)::

    pip install -e ".[assess]" leadforge
    python examples/leadforge_funnel.py --out /tmp/funnel

It writes ``leads.csv`` and ``events.csv`` into ``--out`` as a CRM export would look (one row
per lead, one row per activity), assesses ``examples/leadforge.leadrules`` against the label
with ``leadrules assess`` and writes the suggested points to ``suggested.leadrules`` beside
them. Each lead is scored as of ``Scored On``, 30 days after it came in: leadforge's feature
window, the moment its tables are cut at.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RULES = HERE / "leadforge.leadrules"
RECIPE = "b2b_saas_procurement_v1"
#: leadforge's feature window: its activity tables hold the first 30 days of each lead.
WINDOW = dt.timedelta(days=30)
LEAD_COLUMNS = [
    "Lead ID",
    "Created",
    "Scored On",
    "Lead Source",
    "Industry",
    "Region",
    "Employees",
    "Revenue Band",
    "Process Maturity",
    "Role",
    "Seniority",
    "Opportunity Stage",
    "Converted",
]
EVENT_COLUMNS = ["Lead ID", "Event", "Timestamp", "Channel", "Direction", "Outcome", "Pages"]


def generate(bundle: Path, leads: int, seed: int) -> None:
    """A leadforge bundle (its parquet tables) in ``bundle``."""
    from leadforge.api import Generator

    generator = Generator.from_recipe(RECIPE, seed=seed, n_leads=leads)
    generator.generate().save(str(bundle), generation_timestamp="2026-01-01T00:00:00+00:00")


def _rows(frame: Any) -> Iterator[dict[str, Any]]:
    for row in frame.to_dict("records"):
        yield {key: (None if _missing(value) else value) for key, value in row.items()}


def _missing(value: Any) -> bool:
    try:
        return bool(value != value) or value is None or str(value) == "<NA>"
    except (TypeError, ValueError):
        return False


def export(bundle: Path, out: Path) -> tuple[Path, Path]:
    """The bundle as a CRM export: ``leads.csv`` (one row per lead, the label as Yes/No) and
    ``events.csv`` (touches, sessions and sales activities, one row each)."""
    import pandas as pd

    tables = bundle / "tables"
    task = bundle / "tasks" / "converted_within_90_days"
    labels = pd.concat(
        pd.read_parquet(task / f"{part}.parquet") for part in ("train", "valid", "test")
    )
    stage = pd.read_parquet(tables / "opportunities.parquet")[["lead_id", "stage"]]
    frame = labels.merge(stage.drop_duplicates("lead_id"), on="lead_id", how="left")
    leads_csv = out / "leads.csv"
    with leads_csv.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, LEAD_COLUMNS)
        writer.writeheader()
        for row in sorted(_rows(frame), key=lambda r: r["lead_id"]):
            created = dt.date.fromisoformat(str(row["lead_created_at"])[:10])
            writer.writerow(
                {
                    "Lead ID": row["lead_id"],
                    "Created": created.isoformat(),
                    "Scored On": (created + WINDOW).isoformat(),
                    "Lead Source": row["lead_source"],
                    "Industry": row["industry"],
                    "Region": row["region"],
                    "Employees": row["employee_band"],
                    "Revenue Band": row["estimated_revenue_band"],
                    "Process Maturity": row["process_maturity_band"],
                    "Role": row["role_function"],
                    "Seniority": row["seniority"],
                    "Opportunity Stage": row["stage"] or "",
                    "Converted": "Yes" if row["converted_within_90_days"] else "No",
                }
            )
    events_csv = out / "events.csv"
    with events_csv.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, EVENT_COLUMNS)
        writer.writeheader()
        for event in sorted(_events(tables), key=lambda e: (e["Lead ID"], e["Timestamp"])):
            writer.writerow(event)
    return leads_csv, events_csv


def _events(tables: Path) -> Iterator[dict[str, Any]]:
    import pandas as pd

    for row in _rows(pd.read_parquet(tables / "touches.parquet")):
        yield {
            "Lead ID": row["lead_id"],
            "Event": row["touch_type"].replace("_", " "),
            "Timestamp": row["touch_timestamp"],
            "Channel": row["touch_channel"],
            "Direction": row["touch_direction"],
        }
    for row in _rows(pd.read_parquet(tables / "sessions.parquet")):
        yield {
            "Lead ID": row["lead_id"],
            "Event": row["session_type"].replace("_", " ") + " visit",
            "Timestamp": row["session_timestamp"],
            "Pages": row["page_views"],
        }
    for row in _rows(pd.read_parquet(tables / "opportunities.parquet")):
        # When the deal was opened (before the snapshot); its stage today is a column of the
        # lead, as of the export -- which is after the outcome was known.
        yield {
            "Lead ID": row["lead_id"],
            "Event": "opportunity created",
            "Timestamp": row["created_at"],
        }
    for row in _rows(pd.read_parquet(tables / "sales_activities.parquet")):
        yield {
            "Lead ID": row["lead_id"],
            "Event": "sales " + row["activity_type"],
            "Timestamp": row["activity_timestamp"],
            "Outcome": row["activity_outcome"],
        }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leads", type=int, default=2000, help="how many leads (default 2000)")
    parser.add_argument("--seed", type=int, default=7, help="leadforge's seed (default 7)")
    parser.add_argument("--out", type=Path, required=True, help="the folder to write into")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        generate(Path(folder) / "bundle", args.leads, args.seed)
        leads_csv, events_csv = export(Path(folder) / "bundle", args.out)
    command = [
        sys.executable,
        "-m",
        "leadrules",
        "assess",
        str(RULES),
        str(leads_csv),
        "--events",
        str(events_csv),
        "--outcome",
        "Converted",
        "--as-of",
        "Scored On",
        "--suggest",
        str(args.out / "suggested.leadrules"),
    ]
    return subprocess.run(command, check=False).returncode


if __name__ == "__main__":
    raise SystemExit(main())
