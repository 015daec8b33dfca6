"""The campaigns' tables in the history file: each campaign's frozen start and the later looks.

``campaigns``
    one row per campaign (its name is its key): the campaign as first published (JSON), when
    its start was frozen and the run (``runs.id``) whose data it was frozen from;
``campaign_items``
    the frozen start: for each wiki of the campaign, every item of its goals and targets that
    had no article there at publication — the worklist (``position`` 1, 2, … as published)
    and all the others, the comparison group (``position`` NULL) — so that later counts are
    exact whatever a run lists;
``campaign_looks``
    (campaign, run, wiki): that recorded run covered every goal of the campaign in that wiki,
    so it tells for each frozen item there whether it has an article;
``campaign_seen``
    what such a run saw of a frozen item, when not "still missing": ``article`` (with its
    title when the source knows it) or ``unseen`` (the item was not in the run's item sets).
    A frozen item of a looked-at wiki with no row here was still missing.

The tables are created on every open of the history (``CREATE TABLE IF NOT EXISTS``), so that
files written before campaigns existed open as before. The frozen start is written once, in
the transaction of the run it comes from, and never changed; looks are written in the
transaction of the run they come from (:meth:`bot.history.History.record`'s *attach*).
Functions here take the history's SQLite connection and run inside the caller's transaction.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

import pandas as pd

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS campaigns (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        definition TEXT NOT NULL,
        frozen TEXT NOT NULL,
        run INTEGER NOT NULL,
        run_id TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS campaign_items (
        campaign INTEGER NOT NULL,
        wiki TEXT NOT NULL,
        qid INTEGER NOT NULL,
        goal INTEGER NOT NULL,
        position INTEGER,
        label TEXT,
        PRIMARY KEY (campaign, wiki, qid)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS campaign_looks (
        campaign INTEGER NOT NULL,
        run INTEGER NOT NULL,
        wiki TEXT NOT NULL,
        PRIMARY KEY (campaign, run, wiki)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS campaign_seen (
        campaign INTEGER NOT NULL,
        run INTEGER NOT NULL,
        wiki TEXT NOT NULL,
        qid INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('article', 'unseen')),
        title TEXT,
        PRIMARY KEY (campaign, run, wiki, qid)
    ) WITHOUT ROWID""",
)
# Tables whose rows belong to a run (removed with it when the history is pruned).
RUN_TABLES = ("campaign_looks", "campaign_seen")


def create(db: sqlite3.Connection) -> None:
    for statement in SCHEMA:
        db.execute(statement)


@dataclass(frozen=True)
class Frozen:
    """A campaign's frozen start, as the ``campaigns`` table keeps it."""

    key: int
    name: str
    definition: dict
    frozen: str
    run: int
    run_id: str


def _frozen(row) -> Frozen:
    key, name, definition, frozen, run, run_id = row
    return Frozen(int(key), name, json.loads(definition), frozen, int(run), run_id)


def campaigns(db: sqlite3.Connection) -> list[Frozen]:
    rows = db.execute("SELECT id, name, definition, frozen, run, run_id FROM campaigns "
                      "ORDER BY id").fetchall()
    return [_frozen(r) for r in rows]


def frozen(db: sqlite3.Connection, name: str) -> Frozen | None:
    row = db.execute("SELECT id, name, definition, frozen, run, run_id FROM campaigns "
                     "WHERE name = ?", (name,)).fetchone()
    return None if row is None else _frozen(row)


def items(db: sqlite3.Connection, key: int) -> pd.DataFrame:
    """``wiki, qid, goal, position, label`` of a campaign's frozen start (position <NA>: the
    comparison group)."""
    frame = pd.read_sql_query(
        "SELECT wiki, qid, goal, position, label FROM campaign_items WHERE campaign = ? "
        "ORDER BY wiki, position IS NULL, position, qid", db, params=(key,))
    frame["qid"] = "Q" + frame["qid"].astype(str)
    frame["position"] = frame["position"].astype("Int64")
    return frame


def freeze(db: sqlite3.Connection, *, name: str, definition: dict, frozen_at: str, run: int,
           run_id: str, start: pd.DataFrame) -> int:
    """Write a campaign's frozen start (*start*: wiki, qid, goal, position, label); its key."""
    cursor = db.execute(
        "INSERT INTO campaigns (name, definition, frozen, run, run_id) VALUES (?, ?, ?, ?, ?)",
        (name, json.dumps(definition, ensure_ascii=False, sort_keys=True), frozen_at, run,
         run_id))
    key = int(cursor.lastrowid)
    db.executemany(
        "INSERT INTO campaign_items VALUES (?, ?, ?, ?, ?, ?)",
        ((key, str(w), int(str(q)[1:]), int(g), None if pd.isna(p) else int(p),
          None if label is None or (isinstance(label, float) and pd.isna(label)) else str(label))
         for w, q, g, p, label in zip(start["wiki"], start["qid"], start["goal"],
                                      start["position"], start["label"], strict=True)))
    return key


def look(db: sqlite3.Connection, *, campaign: int, run: int, wikis, seen: pd.DataFrame) -> None:
    """Write what run *run* saw of *campaign*'s frozen items in *wikis* (*seen*: wiki, qid,
    state, title — only the items with an article, or unseen)."""
    db.executemany("INSERT INTO campaign_looks VALUES (?, ?, ?)",
                   ((campaign, run, str(w)) for w in wikis))
    db.executemany(
        "INSERT INTO campaign_seen VALUES (?, ?, ?, ?, ?, ?)",
        ((campaign, run, str(w), int(str(q)[1:]), str(s), None if not isinstance(t, str) else t)
         for w, q, s, t in zip(seen["wiki"], seen["qid"], seen["state"], seen["title"],
                               strict=True)))


def looks(db: sqlite3.Connection, key: int) -> pd.DataFrame:
    """``run, run_id, series, finished, complete, wiki`` of every look at a campaign, oldest
    first."""
    return pd.read_sql_query(
        "SELECT l.run, r.run_id, r.series, r.finished, r.complete, l.wiki "
        "FROM campaign_looks l JOIN runs r ON r.id = l.run WHERE l.campaign = ? "
        "ORDER BY l.run, l.wiki", db, params=(key,))


def seen(db: sqlite3.Connection, key: int) -> pd.DataFrame:
    """``run, wiki, qid, state, title`` of every look at a campaign."""
    frame = pd.read_sql_query(
        "SELECT run, wiki, qid, state, title FROM campaign_seen WHERE campaign = ? "
        "ORDER BY run, wiki, qid", db, params=(key,))
    frame["qid"] = "Q" + frame["qid"].astype(str)
    return frame
