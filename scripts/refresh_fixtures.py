"""Rebuild tests/fixtures/ from the shared data folder: the real files the tests read, trimmed.

The tests read committed copies of the real source files they need (tests/fixtures/, laid out as
the data folder is), so that a clone without ``../shared`` runs them all. This script makes those
copies from a data folder laid out like ``../shared/data`` (see its SOURCES.md): most files whole,
byte for byte; three trimmed to a subset of their lines, by a rule that keeps every line a test
looks at (each rule is described in :data:`FIXTURES` and in tests/fixtures/SOURCES.md). The output
is deterministic: the same data folder gives the same bytes. tests/fixtures/SOURCES.md (written
by hand: each file's origin and trimming) must name every file made here.

Usage (from the repository root):

    python scripts/refresh_fixtures.py [-data:DIR] [-check]

Options (each also accepted as --name or --name=VALUE):

  -data:DIR   the data folder (default: ../shared/data relative to the repository root)
  -check      write nothing; print one line per fixture file that differs from what would be
              written (or is missing, or is extra), and exit 1 if there is any
  -help, -h   print this help

Exit status: 0 done (or, with -check, the committed fixtures are what would be written); 1 the
fixtures differ (-check) or SOURCES.md does not name a file; 2 a bad option, or the data folder
is absent (one line on stderr).
"""

from __future__ import annotations

import bz2
import csv
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "fixtures"
DOC = "SOURCES.md"
MANIFEST = ROOT / "bot" / "data" / "snapshot" / "manifest.json"

Trim = Callable[[bytes, Path], bytes]


def _lines(raw: bytes) -> list[bytes]:
    """The lines of *raw*, each with its line ending."""
    return raw.splitlines(keepends=True)


def dump_items_only(raw: bytes, data: Path) -> bytes:
    """The 2014 dump sample without its property entities: the ``[`` and ``]`` lines and every
    item line, unchanged and in order, compressed again with bzip2 (level 9)."""
    text = bz2.decompress(raw)
    kept = [line for line in _lines(text)
            if not line.strip().startswith(b"{")
            or json.loads(line.strip().rstrip(b",")).get("type") != "property"]
    return bz2.compress(b"".join(kept), 9)


def uganda_set_rows(raw: bytes, data: Path) -> bytes:
    """The header and the rows some bundled Uganda item set selects by the source's own columns:
    a row whose ``types`` include one of the set's P31 classes (and, for a set with a gender,
    whose ``gender_qid`` is that gender), the classes as bot/data/snapshot/manifest.json lists
    them. The corpus has one row a line."""
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    rules = [({c["qid"] for c in s["classes"]}, (s.get("gender") or {}).get("qid"))
             for s in manifest["itemsets"] if "-uganda-" in s["id"]]
    if not rules:
        raise ValueError(f"{MANIFEST} lists no Uganda item set")
    lines = _lines(raw)
    header = next(csv.reader([lines[0].decode("utf-8")]))
    kept = [lines[0]]
    for line in lines[1:]:
        [row] = list(csv.DictReader(io.StringIO(line.decode("utf-8")), fieldnames=header))
        types = set(row["types"].split("|"))
        if any(classes & types and gender in (None, row["gender_qid"])
               for classes, gender in rules):
            kept.append(line)
    return b"".join(kept)


HUMANIKI = "topics/humaniki_denelezh/"


def humaniki_women_sitelinks(raw: bytes, data: Path) -> bytes:
    """The header and the sitelink rows of the women among the 500 humans (``gender`` 6581072
    in denelezh_humans_500.tsv, the same folder)."""
    humans = (data / HUMANIKI / "denelezh_humans_500.tsv").read_text(encoding="utf-8")
    rows = csv.DictReader(io.StringIO(humans), delimiter="\t")
    women = {r["id"].encode("ascii") for r in rows if r["gender"] == "6581072"}
    lines = _lines(raw)
    return b"".join([lines[0], *(line for line in lines[1:] if line.split(b"\t")[0] in women)])


CLIMATE = "topics/climate_change_25langs/"
INVASIVE = "topics/invasive_species_eu/"
DUMP_2014 = "wikidata_entities/wikidata_dump_sample_2014/"
SDK = "wikidata_entities/wikibase_sdk/"

# path under the data folder (and under tests/fixtures) → how it is trimmed (None: whole)
FIXTURES: dict[str, Trim | None] = {
    "mediawiki_api/wptools/querymore.json": None,
    CLIMATE + "wellesley_st14_climate_items_25lang_sitelinks.csv": None,
    CLIMATE + "climate_items.tsv": None,
    CLIMATE + "climate_items_sitelinks_with_pagesize.tsv": None,
    INVASIVE + "unionconcern_invasive_species_qnumbers_2025.csv": None,
    INVASIVE + "unionconcern_invasive_species_wikipedia_links_2025.csv": None,
    INVASIVE + "LICENSE.iEcology-IAS-miner": None,
    "topics/nominatim_places/wikimedia-importance.csv.gz": None,
    "topics/uganda_content_gap/ug_ccc_full_corpus.csv": uganda_set_rows,
    HUMANIKI + "denelezh_humans_500.tsv": None,
    HUMANIKI + "denelezh_label_500.tsv": None,
    HUMANIKI + "denelezh_project.tsv": None,
    HUMANIKI + "denelezh_human_sitelink_500.tsv": humaniki_women_sitelinks,
    HUMANIKI + "LICENSE.upstream": None,
    DUMP_2014 + "wikibrain_testDump_400items_1304props.json.bz2": dump_items_only,
    DUMP_2014 + "wikibrain_2014_wikipedia_sitelinks.tsv": None,
    "wikidata_entities/opentapioca/sample_wikidata_items.json.bz2": None,
    **{SDK + f"{qid}.json": None for qid in (
        "Q2112", "Q217447", "Q271094", "Q328212", "Q4115189", "Q4132785", "Q571", "Q646148")},
}


def build(data: Path) -> dict[str, bytes]:
    """Every fixture file: relative path → bytes."""
    out = {}
    for rel, trim in FIXTURES.items():
        raw = (data / rel).read_bytes()
        out[rel] = raw if trim is None else trim(raw, data)
    return out


def committed() -> dict[str, bytes]:
    """The files now in tests/fixtures (SOURCES.md left out)."""
    if not OUT.is_dir():
        return {}
    return {p.relative_to(OUT).as_posix(): p.read_bytes()
            for p in sorted(OUT.rglob("*")) if p.is_file() and p.relative_to(OUT).as_posix() != DOC}


def differences(built: dict[str, bytes], present: dict[str, bytes]) -> list[str]:
    """One line per file that is not what would be written."""
    lines = []
    for rel in sorted(set(built) | set(present)):
        if rel not in present:
            lines.append(f"missing  tests/fixtures/{rel}")
        elif rel not in built:
            lines.append(f"extra    tests/fixtures/{rel} (not made from the data folder)")
        elif present[rel] != built[rel]:
            lines.append(f"differs  tests/fixtures/{rel} ({len(present[rel])} bytes committed, "
                         f"{len(built[rel])} would be written)")
    return lines


def undocumented(built: dict[str, bytes]) -> list[str]:
    """One line per fixture file tests/fixtures/SOURCES.md does not name."""
    doc = OUT / DOC
    text = doc.read_text(encoding="utf-8") if doc.is_file() else ""
    return [f"SOURCES.md does not name {rel}" for rel in sorted(built) if f"`{rel}`" not in text]


def parse_args(argv: list[str]) -> tuple[Path, bool] | None:
    """(data folder, check); None when help was asked for. Raises ValueError on a bad option."""
    data, check = ROOT.parent / "shared" / "data", False
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg in ("-help", "--help", "-h"):
            return None
        if not arg.startswith("-"):
            raise ValueError(f"unknown argument {arg!r} (try -help)")
        name, value = arg.lstrip("-"), None
        for sep in (":", "="):
            if sep in name:
                name, value = name.split(sep, 1)
                break
        if name == "check" and value is None:
            check = True
        elif name == "data":
            if value is None and arg.startswith("--") and args:
                value = args.pop(0)  # --data DIR
            if not value:
                raise ValueError("-data needs a folder: -data:DIR")
            data = Path(value)
        else:
            raise ValueError(f"unknown option {arg!r} (try -help)")
    return data, check


def main(argv: list[str] | None = None) -> int:
    try:
        parsed = parse_args(sys.argv[1:] if argv is None else argv)
    except ValueError as exc:
        print(f"refresh_fixtures: {exc}", file=sys.stderr)
        return 2
    if parsed is None:
        print(__doc__)
        return 0
    data, check = parsed
    if not data.is_dir():
        print(f"refresh_fixtures: the data folder {data} is absent: nothing to build the "
              f"fixtures from", file=sys.stderr)
        return 2
    try:
        built = build(data)
    except (OSError, ValueError, KeyError) as exc:
        print(f"refresh_fixtures: cannot build the fixtures from {data}: {exc}", file=sys.stderr)
        return 1
    problems = undocumented(built)
    if check:
        problems = differences(built, committed()) + problems
        for line in problems:
            print(line)
        return 1 if problems else 0
    for rel in sorted(committed()):
        if rel not in built:
            (OUT / rel).unlink()
            print(f"removed  tests/fixtures/{rel}")
    for rel, content in built.items():
        path = OUT / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_bytes() != content:
            path.write_bytes(content)
        how = "whole" if FIXTURES[rel] is None else f"trimmed ({FIXTURES[rel].__name__})"
        print(f"{len(content):>9} bytes  tests/fixtures/{rel}  {how}")
    for line in problems:
        print(line, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
