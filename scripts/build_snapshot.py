"""Build the bundled real snapshot of sdg-gaps from the shared source data.

Usage (from the repository root):

    python scripts/build_snapshot.py [-source:DIR] [-out:DIR] [-pinned:DIR] [-wikipedias:FILE]

Options (each also accepted as --name VALUE or --name=VALUE):

  -source:DIR        the source folder, laid out like the project's shared data
                     (default: ../shared/data next to the repository)
  -out:DIR           where to write wikidata.nt.gz, pagesizes.tsv.gz, pageviews.tsv.gz
                     and manifest.json (default: bot/data/snapshot)
  -pinned:DIR        where to write the pinned QID lists (default: queries/pinned)
  -wikipedias:FILE   where to write the table of Wikipedias (default: bot/data/wikipedias.tsv)
  -help, -h          print this help

The output is byte-for-byte reproducible: building twice from the same source gives the same
files. It prints one line summarising each item set; a problem with the source is reported as
one line on stderr and exit status 1.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bot.errors import SdgGapsError  # noqa: E402
from bot.snapshot import MANIFEST_FILE, build_snapshot  # noqa: E402

OPTIONS = ("source", "out", "pinned", "wikipedias")


def parse_args(argv: list[str]) -> dict[str, Path] | None:
    """Parse pywikibot-style (-name:value) and GNU-style (--name value) options.

    Returns None when help was asked for; raises ValueError on a bad argument.
    """
    values = {
        "source": REPO_ROOT / ".." / "shared" / "data",
        "out": REPO_ROOT / "bot" / "data" / "snapshot",
        "pinned": REPO_ROOT / "queries" / "pinned",
        "wikipedias": REPO_ROOT / "bot" / "data" / "wikipedias.tsv",
    }
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg in ("-help", "--help", "-h"):
            return None
        name, value = arg.lstrip("-"), None
        for sep in (":", "="):
            if sep in name:
                name, value = name.split(sep, 1)
                break
        if not arg.startswith("-") or name not in OPTIONS:
            raise ValueError(f"unknown argument {arg!r} (try -help)")
        if value is None:
            if not arg.startswith("--") or not args:
                raise ValueError(f"{arg} needs a value (try -help)")
            value = args.pop(0)
        if not value:
            raise ValueError(f"{arg} needs a value (try -help)")
        values[name] = Path(value)
    return values


def main(argv: list[str] | None = None) -> int:
    """Run the builder; return the exit status."""
    try:
        values = parse_args(sys.argv[1:] if argv is None else argv)
    except ValueError as exc:
        print(f"build_snapshot: {exc}", file=sys.stderr)
        return 2
    if values is None:
        print(__doc__)
        return 0
    try:
        build_snapshot(values["source"], values["out"], values["pinned"], values["wikipedias"])
    except SdgGapsError as exc:
        print(f"build_snapshot: {exc}", file=sys.stderr)
        return 1
    manifest = json.loads((values["out"] / MANIFEST_FILE).read_text(encoding="utf-8"))
    sets = "; ".join(
        f"{s['id']}: {s['items']} items, {s['sitelinks']} sitelinks, {s['triples']} triples"
        for s in manifest["itemsets"]
    )
    print(f"snapshot built: {sets}; {manifest['triples']} triples in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
