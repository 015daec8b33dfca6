"""Golden tests of the generated SPARQL, and its portability rules.

The golden files in tests/golden/sparql/ are the exact text sent to every endpoint. When a
query changes on purpose, regenerate them with ``SDG_GAPS_UPDATE_GOLDEN=1 pytest`` (every golden
test then fails, saying what it wrote: tests/golden.py), review the diff like any other change and
run the tests again.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.errors import ConfigError, InvalidQidError
from bot.sources import endpoint as fetch
from tests.golden import check_golden

QIDS = [
    "Q7942",
    "Q125928",
    "Q208645",
]  # enwiki: Climate change, Climate variability and change, UNFCCC

CASES = {
    "sitelinks.rq": lambda: fetch.sitelinks_query(QIDS),
    "labels.rq": lambda: fetch.labels_query(QIDS, ["fr", "mul", "en"]),
    "labels_any.rq": lambda: fetch.labels_any_query(QIDS),
    "types.rq": lambda: fetch.types_query(QIDS),
    "sitelink_counts.rq": lambda: fetch.sitelink_counts_query(QIDS),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_generated_query_matches_golden(name):
    text = CASES[name]()
    check_golden(f"sparql/{name}", text)


@pytest.mark.parametrize("name", sorted(CASES))
def test_query_is_portable(name):
    """No WDQS-only features: every prefix declared, no label service, no hints."""
    text = CASES[name]()
    assert "wikibase:label" not in text
    assert "hint:" not in text
    assert "SERVICE" not in text.upper()
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    declared = set(re.findall(r"PREFIX (\w+):", body))
    used = set(re.findall(r"\b([a-z]+):[A-Za-z_]", body)) - {"http", "https"}
    assert used <= declared, f"undeclared prefixes: {used - declared}"


def test_the_bundled_qids_in_the_golden_batch_are_real():
    pinned = (
        (Path(__file__).resolve().parents[2] / "queries" / "pinned" / "sdg13-climate-change.txt")
        .read_text(encoding="utf-8")
        .split()
    )
    assert set(QIDS) <= set(pinned)


@pytest.mark.parametrize("bad", ["Q12 } . ?x ?y ?z", "P31", "wd:Q1", "Q-1"])
def test_item_ids_cannot_inject_sparql(bad):
    with pytest.raises(InvalidQidError):
        fetch.sitelinks_query(["Q1", bad])


@pytest.mark.parametrize("bad", ['en") || true || ("', "fr fr", ""])
def test_language_codes_cannot_inject_sparql(bad):
    with pytest.raises(ConfigError):
        fetch.labels_query(["Q1"], [bad])


def test_batches_cover_every_item_once():
    items = [f"Q{n}" for n in range(1, 1001)]
    seen = [q for batch in fetch.batches(items, 400) for q in batch]
    assert seen == items
    assert [len(b) for b in fetch.batches(items, 400)] == [400, 400, 200]
