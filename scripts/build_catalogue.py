"""Rebuild the catalogue's SDG tables from the UN's own data.

Reads a data folder laid out like ``../shared/data`` (see its SOURCES.md) and writes, in the
repository:

* ``queries/sdg/goals.tsv``   — goal, qid, un_uri, short_<lang>…, title_<lang>…
* ``queries/sdg/targets.tsv`` — code, goal, title_<lang>…
* ``queries/sdg/traced.tsv``  — every QID/PID used by a catalogue query (``queries/goals/*.rq``)
  that the data folder can vouch for: id, label_en (when the source gives one), source file and
  the evidence found there. An identifier the data cannot vouch for must be listed in
  ``queries/verify-live.tsv`` instead, or the build stops.

The languages are those of the Open SDG translations: en fr es ru zh-Hans ar de sw. The goal QIDs
are the UN's ``skos:exactMatch`` links to Wikidata (``sdg/un_sdg_goals_metadata.ttl``); the
derived ``un_sdg_goals_wikidata_map.csv`` is read too and must agree with the Turtle, and the 169
target codes must agree between the Turtle and the Open SDG titles. The output is deterministic:
the same input gives the same bytes.

Usage::

    python scripts/build_catalogue.py [-data:DIR] [-check]

Options:

-data:DIR   the data folder (default: ``../shared/data`` relative to the repository root)
-check      write nothing; exit 1 if a committed table differs from what would be written
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.catalogue import build_tables  # noqa: E402
from bot.errors import SdgGapsError  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    data = ROOT.parent / "shared" / "data"
    check = False
    for arg in sys.argv[1:] if argv is None else argv:
        if arg.startswith("-data:"):
            data = Path(arg[len("-data:"):])
        elif arg == "-check":
            check = True
        elif arg in ("-h", "-help", "--help"):
            print(__doc__)
            return 0
        else:
            print(f"build_catalogue: unknown option {arg!r} (see -help)", file=sys.stderr)
            return 2
    try:
        tables = build_tables(data)
    except SdgGapsError as exc:
        print(f"build_catalogue: {exc}", file=sys.stderr)
        return 1
    stale = []
    for rel, text in tables.items():
        path = ROOT / rel
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if old == text:
            continue
        stale.append(rel)
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
    if check:
        for rel in stale:
            print(f"build_catalogue: {rel} is out of date", file=sys.stderr)
        return 1 if stale else 0
    for rel in tables:
        print(f"{'wrote' if rel in stale else 'unchanged'} {rel}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
