#!/usr/bin/env python3
"""Write the independent working-day fixture for onewindow's calendar tests.

The Python package `chinesecalendar` (import name `chinese_calendar`) keeps
its own copy of the State Council's holiday arrangements. This script asks it,
day by day, whether each day from 2020-01-01 to 2026-12-31 is a working day,
and writes the answers to crates/domain/tests/data/chinesecalendar-2020-2026.txt,
which crates/domain/tests/it/calendar.rs compares with the calendar onewindow
ships (crates/domain/data/calendar.toml).

Usage (from anywhere):

    pip install chinesecalendar==1.11.0
    python3 scripts/chinesecalendar_fixture.py

The output depends only on the package version, so CI can regenerate it and
run `git diff --exit-code` on it.
"""

import datetime
import importlib.metadata
import pathlib

import chinese_calendar

FIRST = datetime.date(2020, 1, 1)
LAST = datetime.date(2026, 12, 31)
OUT = (
    pathlib.Path(__file__).resolve().parent.parent
    / "crates" / "domain" / "tests" / "data" / "chinesecalendar-2020-2026.txt"
)


def main() -> None:
    version = importlib.metadata.version("chinesecalendar")
    lines = [
        f"# Working days {FIRST}..{LAST} according to the Python package chinesecalendar {version}",
        "# (chinese_calendar.is_workday): one line per day, `YYYY-MM-DD 1` for a working day,",
        "# `YYYY-MM-DD 0` for a day off. Generated; do not edit. Regenerate with:",
        f"#   pip install chinesecalendar=={version} && python3 scripts/chinesecalendar_fixture.py",
    ]
    day = FIRST
    while day <= LAST:
        lines.append(f"{day.isoformat()} {1 if chinese_calendar.is_workday(day) else 0}")
        day += datetime.timedelta(days=1)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
