"""Facts from files: Wikipedia sitelinks from a Wikidata JSON dump or Parquet, members from CSV or
Parquet — ``sdg-gaps run --sitelinks FILE [--members FILE]``.

**Sitelinks.** A dump (``.json.gz``, ``.json.bz2``, or plain JSON: :mod:`bot.sources.dump`,
streamed, one entity at a time), or Parquet with the columns ``qid, wiki, title, badges``
(``badges``: space-separated badge QIDs, empty when none; ``wiki``: a database name such as
``frwiki``; :mod:`bot.sources.parquet`), read a batch at a time into the compact frame of
:mod:`bot.facts` — a sitelink carrying a redirect badge is not an article, a key that is not a
Wikipedia is left out. Titles are not kept for Parquet: the run asks for those of the items its
pages list, and they are read again, a row group at a time (:class:`Lookups`).

**Members.** CSV with a header, or Parquet, with the columns ``itemset, goal, qid`` (``goal``
1–17; an item set has one goal) and optionally ``types``: the item's P31 classes, QIDs
separated by spaces or ``|`` (empty: unknown), for sources that have them — Parquet sitelinks
carry no P31. A row that breaks a rule is named in a one-line :class:`bot.errors.ConfigError`.

**What counts as a topic.** The Wikimedia-internal items (:mod:`bot.topics`) are left out
before anything is counted: their P31 comes from a dump's claims and from the members file's
``types``; an item whose classes neither gives is kept.

**Observed.** Such a source holds every Wikipedia sitelink of its items, so every Wikipedia in
which it holds an article of one of the run's items is observed (``Facts.observed`` ``None``:
the engine reads the wikis from the articles).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bot.errors import ConfigError, DumpError, InvalidQidError, one_line
from bot.facts import Facts, Lookups, articles_frame, pairs_of, qid_numbers
from bot.ids import GOALS, QID_PATTERN, goal_of_text
from bot.memory import release
from bot.sources.dump import (
    DumpStats,
    iter_entities,
    iter_sitelinks,
)
from bot.sources.parquet import distinct_values, parquet_articles, parquet_titles
from bot.topics import split_topics

MEMBER_COLUMNS = ("itemset", "goal", "qid")


def kind_of(path: Path) -> str:
    """``dump`` or ``parquet``, by the file's name (a folder of Parquet files is Parquet)."""
    name = str(path).lower()
    if name.endswith((".json", ".json.gz", ".json.bz2")):
        return "dump"
    if name.endswith(".parquet") or Path(path).is_dir():
        return "parquet"
    raise DumpError(
        f"{path}: expected a Wikidata JSON dump (.json.gz, .json.bz2) or Parquet (.parquet)"
    )


# ---- members ------------------------------------------------------------------------------------


def read_members(path: Path) -> pd.DataFrame:
    """``itemset, goal, qid, qnum`` from a CSV or Parquet members file (see the module's
    description); each (item set, item) once. Read column by column in Arrow: a members file
    of millions of rows costs about its own size."""
    path = Path(path)
    try:
        if str(path).lower().endswith(".parquet") or path.is_dir():
            table = pq.read_table(path, read_dictionary=["itemset"])
        else:
            import pyarrow.csv as pacsv

            table = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in MEMBER_COLUMNS}))
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise ConfigError(f"{path}: cannot read the members file: {one_line(exc)}") from exc
    missing = [c for c in MEMBER_COLUMNS if c not in table.column_names]
    if missing:
        raise ConfigError(
            f"{path}: missing column(s) {', '.join(missing)}; expected a header "
            "itemset, goal, qid"
        )
    goals = _goals(path, table["goal"])
    qid = table["qid"].cast(pa.string())
    try:
        qnum = qid_numbers(qid)
    except InvalidQidError as exc:
        good = pc.fill_null(pc.match_substring_regex(qid, r"^Q[1-9][0-9]*$"), False)
        row = int(np.flatnonzero(~good.to_numpy(zero_copy_only=False))[0])
        raise ConfigError(f"{path} row {row + 2}: {exc}") from None
    names, codes = _itemsets(table["itemset"])
    empty = np.array([n is None or n == "" for n in names], dtype=bool)[codes]
    if empty.any():
        raise ConfigError(f"{path} row {int(np.flatnonzero(empty)[0]) + 2}: no item set named")
    low = np.full(len(names), 18, dtype=np.int64)
    high = np.zeros(len(names), dtype=np.int64)
    np.minimum.at(low, codes, goals)
    np.maximum.at(high, codes, goals)
    if (low != high).any():
        name = names[int(np.flatnonzero(low != high)[0])]
        raise ConfigError(f"{path}: item set {name!r} has items of several goals; one goal a set")
    sets = pd.Categorical.from_codes(codes, categories=names)
    keys = codes * (int(qnum.max()) + 1 if len(qnum) else 1) + qnum
    first = _first_of_each(keys)  # each (set, item) once, file order
    if len(first) < len(keys):
        sets, goals, qid, qnum = sets[first], goals[first], qid.take(pa.array(first)), qnum[first]
    out = pd.DataFrame({"itemset": sets, "goal": goals, "qid": pd.array(qid, dtype="str"),
                        "qnum": qnum}, copy=False)
    if "types" in table.column_names:
        out["types"] = _types(path, table["types"], first)
    return out


def _first_of_each(keys: np.ndarray) -> np.ndarray:
    """The rows of *keys* that are the first of their value, in order. A members file mostly
    has no row twice: one sort (faster than hashing millions) says so, and only a file that
    has hashes them."""
    ordered = np.sort(keys)
    if not (len(ordered) > 1 and (ordered[1:] == ordered[:-1]).any()):
        return np.arange(len(keys))
    return np.flatnonzero(~pd.Index(keys).duplicated())


def _itemsets(column) -> tuple[list, np.ndarray]:
    """The item set names, trimmed (``None`` for a missing one), and each row's code into
    them, in order of first use: each distinct name of a chunk is trimmed once."""
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    position: dict = {}
    parts = []
    for chunk in chunks:
        values, rows = distinct_values(chunk)  # a missing name: None
        trimmed = pc.utf8_trim_whitespace(values).to_pylist()
        remap = [position.setdefault(n, len(position)) for n in trimmed]
        parts.append(np.asarray(remap, dtype=np.int64)[rows])
    codes = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    names = list(position)
    used = np.bincount(codes, minlength=len(names)) > 0
    if not used.all():  # a name in a chunk's dictionary that no row of it uses
        codes = (np.cumsum(used) - 1)[codes]
        names = [n for n, u in zip(names, used.tolist(), strict=True) if u]
    return names, codes


def _types(path: Path, column, rows: np.ndarray) -> pd.Series:
    """The optional ``types`` column (an item's P31 classes, QIDs separated by spaces or |)
    for the kept ``rows``; a row that is not such a list is named."""
    words = pd.Series(pc.fill_null(column.cast(pa.string()), "").to_pandas())
    words = words.str.replace("|", " ", regex=False)
    bad = ~words.str.fullmatch(rf"\s*({QID_PATTERN}(\s+{QID_PATTERN})*)?\s*")
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ConfigError(f"{path} row {row + 2}: types {words.iloc[row][:60]!r} are not "
                          "QIDs separated by spaces or |")
    return words.iloc[rows].str.strip().reset_index(drop=True)


def _goals(path: Path, column) -> np.ndarray:
    """The goal column as numbers 1–17; a row that is not a goal is named."""
    if pa.types.is_integer(column.type):
        values = np.asarray(column.to_numpy(zero_copy_only=False), dtype=np.int64)
        bad = (values < GOALS.start) | (values >= GOALS.stop)
        if column.null_count:
            bad |= np.asarray(pc.is_null(column).to_numpy(zero_copy_only=False))
        text = None
    else:
        text = pc.utf8_trim_whitespace(column.cast(pa.string()))
        distinct = {g: goal_of_text(g) if isinstance(g, str) else None
                    for g in pc.unique(text).to_pylist()}
        mapped = pd.Series(text.to_pandas()).map(distinct)
        bad = mapped.isna().to_numpy()
        values = mapped.fillna(0).astype("int64").to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        shown = column[row].as_py() if text is None else text[row].as_py()
        raise ConfigError(
            f"{path} row {row + 2}: goal {str(shown)!r} is not a goal (a number 1–17)"
        )
    return values


def member_types(members: pd.DataFrame) -> pd.DataFrame:
    """``qid, class`` from a members file's ``types`` column (none when it has no such column)."""
    if "types" not in members:
        return pd.DataFrame({"qid": pd.Series(dtype=object), "class": pd.Series(dtype=object)})
    pairs = members[["qid", "types"]].assign(**{"class": members["types"].str.split()})
    pairs = pairs.explode("class").dropna(subset=["class"])
    return pairs[["qid", "class"]].drop_duplicates().reset_index(drop=True)


# ---- the source --------------------------------------------------------------------------------


def gather(path: Path, members: pd.DataFrame, *, engine_reads: bool = False) -> tuple[
    Facts, Lookups
]:
    """The facts and lookups of *members* from the sitelinks file at *path*.

    With *engine_reads* (Spark) the sitelinks are not read here: the facts name the file and
    the engine reads it itself; the lookups still read it for the few items a report lists.
    """
    kind = kind_of(path)
    no_labels = pd.DataFrame({"qid": [], "lang": [], "label": []})
    numbers = None
    types = [member_types(members)]
    members = members[[c for c in (*MEMBER_COLUMNS, "qnum") if c in members]]
    all_sitelinks: dict[str, int] = {}
    if kind == "parquet":
        topics = split_topics(members, types[0])
        members = topics.members
        articles, counts, numbers = (None, {}, None) if engine_reads else parquet_articles(
            path, members)
        lookups = Lookups(
            articles=lambda qids, wikis=None: parquet_titles(path, qids, wikis),
            labels=lambda qids, languages: no_labels,
        )
    else:
        stats = DumpStats()
        classes: list[tuple[str, str]] = []
        rows = [] if engine_reads else list(iter_sitelinks(
            path, set(members["qid"]), stats=stats, classes=classes,
            all_sitelinks=all_sitelinks))
        frame = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(
            {"qid": [], "wiki": [], "title": [], "redirect": []}).astype({"redirect": bool})
        # With Spark reading the dump, Spark reads the P31 classes too (bot.engines.spark_io)
        # and applies the same rule; here the classes of the members file only.
        types.append(pd.DataFrame(classes, columns=["qid", "class"]))
        topics = split_topics(members, pd.concat(types, ignore_index=True))
        members = topics.members
        frame = frame[frame["qid"].isin(set(members["qid"]))] if len(frame) else frame
        kept = frame.loc[~frame["redirect"].astype(bool), ["qid", "wiki", "title"]]
        articles = None if engine_reads else articles_frame(
            qid_numbers(kept["qid"]), kept["wiki"])
        counts = {} if engine_reads else {
            "sitelinks": int(len(frame)), "articles": int(len(kept)),
            "redirect_sitelinks": int(frame["redirect"].sum()), "entities": stats.entities,
        }
        lookups = Lookups(
            articles=lambda qids, wikis=None: pairs_of(
                dump_titles(path, qids) if engine_reads else kept, qids, wikis),
            labels=lambda qids, languages: dump_labels(path, qids, languages),
        )
    counts["items"] = (len(numbers) if numbers is not None
                       else int(len(pd.unique(qid_numbers(members["qid"])))))
    kept_qids = set(members["qid"]) if all_sitelinks else set()
    counted = {q: n for q, n in all_sitelinks.items() if q in kept_qids}
    facts = Facts(
        members=members, observed=None, articles=articles,
        files=(kind, str(path)) if engine_reads else None, counts=counts, item_numbers=numbers,
        left_out=topics,
        all_sitelinks=pd.DataFrame({"qnum": qid_numbers(list(counted)), "sitelinks": np.array(
            list(counted.values()), dtype=np.int64)}),
    )
    release()  # the reader's temporaries: not kept under the engine's
    return facts, lookups


def dump_titles(path: Path, qids: Sequence[str]) -> pd.DataFrame:
    frames = list(iter_sitelinks(path, set(qids)))
    if not frames:
        return pd.DataFrame({"qid": [], "wiki": [], "title": []})
    frame = pd.concat(frames, ignore_index=True)
    return frame.loc[~frame["redirect"], ["qid", "wiki", "title"]].reset_index(drop=True)


def dump_labels(path: Path, qids: Sequence[str], languages: Sequence[str]) -> pd.DataFrame:
    """``qid, lang, label`` of *qids* in the dump, in *languages* (then ``mul``, ``en``; an item
    with none of those gets its first label by language code, as ``*``)."""
    chain = list(dict.fromkeys([*languages, "mul", "en"]))
    rows = []
    for entity in iter_entities(path, set(qids)):
        qid, labels = entity.get("id"), entity.get("labels") or {}
        if not isinstance(labels, dict):
            continue
        found = [(lang, labels[lang].get("value")) for lang in chain
                 if isinstance(labels.get(lang), dict)]
        if not found and labels:
            first = min(labels)
            if isinstance(labels[first], dict):
                found = [("*", labels[first].get("value"))]
        rows += [(qid, lang, value) for lang, value in found if isinstance(value, str)]
    return pd.DataFrame(rows, columns=["qid", "lang", "label"])

