"""The catalogue's query files: the selection-query header, and the identifiers queries use.

Selection-query header
----------------------
A catalogue query (``queries/goals/*.rq``) describes itself in ``#`` comment lines before the
query, ``key: value``::

    # id: sdg13-climate-topics
    # goal: 13
    # targets: 13.1 13.2          (optional, space separated)
    # title: Climate change topics
    # description: Items whose main subject is … (may continue on following "#   " lines)
    # source Q7942: where this QID comes from (one line per QID/PID used in the query)

Identifiers
-----------
:func:`identifiers_in` finds the QIDs and PIDs a query uses outside its comments;
:func:`query_files` lists every query of the catalogue (the selection queries and the fetch
templates of ``queries/lib``); :func:`code_identifiers` gives the QIDs the code itself relies
on. Each must be traced to a source file or listed to verify live (see
:mod:`bot.catalogue.check`).
"""

from __future__ import annotations

import re
from pathlib import Path

from bot.catalogue.model import ROOT
from bot.ids import REDIRECT_BADGES, WIKIMEDIA_INTERNAL_CLASSES

HEADER_KEY_RE = re.compile(r"^# ([a-z_]+)(?: ([QP][1-9][0-9]*))?: ?(.*)$")
HEADER_KEYS = {"id", "goal", "targets", "title", "description", "source"}


def parse_query_header(path: Path, text: str) -> dict:
    """Read the ``# key: value`` header of a catalogue query (see the module docstring).

    A key line is ``# key: value`` (one space after ``#``); a line starting ``#`` and two or more
    spaces continues the previous value; other comment lines are prose and end a value. The
    header ends at the first line that is not a comment.
    """
    header: dict = {"sources": {}}
    last: tuple[str, str | None] | None = None
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.startswith("#"):
            if line.strip():
                break
            last = None
            continue
        if line.startswith("#  ") and last is not None:
            key, ident = last
            extra = line[1:].strip()
            if key == "sources":
                header["sources"][ident] += " " + extra
            else:
                header[key] = (header.get(key, "") + " " + extra).strip()
            continue
        m = HEADER_KEY_RE.match(line)
        if not m or m.group(1) not in HEADER_KEYS:
            last = None
            continue
        key, ident, value = m.group(1), m.group(2), m.group(3).strip()
        if key == "source" and ident:
            header["sources"][ident] = value
            last = ("sources", ident)
        elif ident:
            last = None
        else:
            header[key] = value
            last = (key, None)
    return header


def code_identifiers() -> dict[str, set[str]]:
    """The QIDs the code itself relies on (``bot/ids.py``: the redirect badges and the
    Wikimedia-internal classes), each with the file that names it, like a query's."""
    return {ident: {"bot/ids.py"} for ident in REDIRECT_BADGES | WIKIMEDIA_INTERNAL_CLASSES}


def query_files() -> list[Path]:
    """Every query file of the catalogue: the selection queries and the fetch templates."""
    return sorted((ROOT / "queries" / "goals").glob("*.rq")) + sorted(
        (ROOT / "queries" / "lib").glob("*.rq")
    )


def strip_comment(line: str) -> str:
    """A SPARQL line without its ``#`` comment (a ``#`` inside an IRI or a string is kept)."""
    in_iri = False
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote and line[i - 1] != "\\":
                quote = ""
        elif in_iri:
            in_iri = ch != ">"
        elif ch in "\"'":
            quote = ch
        elif ch == "<" and i + 1 < len(line) and not line[i + 1].isspace():
            in_iri = True
        elif ch == "#":
            return line[:i]
    return line


def identifiers_in(text: str) -> list[str]:
    """The QIDs and PIDs a query uses outside its comments, sorted."""
    found: set[str] = set()
    for line in text.splitlines():
        found.update(ID_TOKEN_RE.findall(strip_comment(line)))
    return sorted(found, key=lambda i: (i[0], int(i[1:])))


ID_TOKEN_RE = re.compile(r"(?<![A-Za-z0-9_])([QP][1-9][0-9]*)(?![A-Za-z0-9_])")
