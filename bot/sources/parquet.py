"""Wikipedia sitelinks from Parquet — ``sdg-gaps run --sitelinks FILE.parquet``.

A file (or a folder of files) with the columns ``qid, wiki, title, badges`` (``badges``:
space-separated badge QIDs, empty when none; ``wiki``: a database name such as ``frwiki``),
read a batch at a time, each batch matched to the members on worker threads
(:mod:`bot.parallel`) while the next is read. The strings come dictionary-encoded, as Parquet
mostly stores them, so each distinct QID, wiki and badge list of a batch is parsed and tested
once. A sitelink carrying a redirect badge is not an article; a key that is not a Wikipedia is
left out (:mod:`bot.sources.dump` says which keys are). Titles are read again, for the few
items a report lists (:func:`parquet_titles`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bot.errors import DumpError, InvalidQidError, one_line
from bot.facts import distinct_sorted, positions, qid_numbers
from bot.ids import REDIRECT_BADGES
from bot.parallel import ordered
from bot.sources.dump import is_wikipedia, known_wikipedias

SITELINK_COLUMNS = ("qid", "wiki", "title", "badges")
BATCH = 1 << 20  # rows read at once (a row group of most writers: its dictionary read once)
SMALL_DICTIONARY = 4096  # values: a larger dictionary is cut to those a batch uses
_REDIRECT = "(?:^| )(?:" + "|".join(sorted(REDIRECT_BADGES)) + ")(?: |$)"


def _open_parquet(path: Path) -> pq.ParquetDataset:
    try:
        dataset = pq.ParquetDataset(path)
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise DumpError(f"{path}: cannot read Parquet: {one_line(exc)}") from exc
    names = set(dataset.schema.names)
    missing = [c for c in SITELINK_COLUMNS if c not in names]
    if missing:
        raise DumpError(
            f"{path}: missing column(s) {', '.join(missing)}; expected qid, wiki, title, badges"
        )
    return dataset


def _batches(path: Path, columns: Sequence[str], dictionary: Sequence[str] = ()):
    """The *columns* of the Parquet file (or folder of files) at *path*, a batch at a time:
    one row group is read at once, so memory stays that of a row group, whatever the file.
    The *dictionary* columns come dictionary-encoded, as Parquet mostly stores them: a value
    repeated in a batch is then decoded, and looked at, once."""
    dataset = _open_parquet(path)
    for name in dataset.files:
        try:
            with pq.ParquetFile(name, read_dictionary=list(dictionary)) as handle:
                yield from handle.iter_batches(batch_size=BATCH, columns=list(columns))
        except (OSError, pa.ArrowException) as exc:
            raise DumpError(f"{path}: cannot read Parquet: {one_line(exc)}") from exc


def parquet_articles(path: Path, members: pd.DataFrame):
    """The articles of the members' items in Parquet sitelinks — ``item, wiki``, ``item``
    indexing the members' distinct item numbers (sorted, returned too) — and counts.

    Batches are read one after the other and matched on a second thread as they come
    (:func:`bot.parallel.ordered`): reading and matching overlap."""
    numbers = distinct_sorted(members["qnum"].to_numpy(np.int64) if "qnum" in members
                              else qid_numbers(members["qid"]))
    known = known_wikipedias()
    categories: dict[str, int] = {}
    items, codes = [], []
    counts = {"sitelinks": 0, "articles": 0, "redirect_sitelinks": 0, "rows": 0}

    def merge(done) -> None:
        item, names, index, got = done
        for key, value in got.items():
            counts[key] += value
        remap = np.array([categories.setdefault(n, len(categories)) if n is not None else -1
                          for n in names], dtype=np.int32)
        items.append(item)
        codes.append(remap[index] if len(names) else np.zeros(0, dtype=np.int32))

    match = lambda batch: _match_batch(batch, numbers, known)  # noqa: E731
    try:
        columns = ("qid", "wiki", "badges")
        for done in ordered(match, _batches(path, columns, dictionary=columns)):
            merge(done)
    except InvalidQidError as exc:
        raise DumpError(f"{path}: {exc}") from None
    pa.default_memory_pool().release_unused()  # the reader's scratch memory, back to the OS
    item = np.concatenate(items) if items else np.zeros(0, dtype=np.int32)
    code = np.concatenate(codes) if codes else np.zeros(0, dtype=np.int32)
    wikis = (pd.Categorical.from_codes(code, categories=list(categories), validate=False)
             if categories else pd.Categorical([]))  # (codes made here: valid)
    counts["articles"] = int(len(item))
    return pd.DataFrame({"item": item, "wiki": wikis}, copy=False), counts, numbers


def _match_batch(batch: pa.RecordBatch, numbers: np.ndarray, known):
    """One batch of sitelinks matched to the members: the kept rows' item codes, the batch's
    wiki names (``None`` for one that is not a Wikipedia), the kept rows' indexes into those
    names, and the batch's counts. Each distinct QID, wiki and badge list of the batch is
    looked at once (:func:`distinct_values`)."""
    qids, qid_at = distinct_values(batch.column(0))
    if qids.null_count:  # a missing QID: the error names it as for a plain column
        qid_numbers(batch.column(0).cast(pa.string()))
    item = positions(numbers, qid_numbers(qids)).astype(np.int32)[qid_at]
    wikis, index = distinct_values(batch.column(1))
    names = wikis.to_pylist()
    is_wiki = np.array([n is not None and is_wikipedia(n, known) for n in names], dtype=bool)
    keep = (item >= 0) & is_wiki[index] if len(names) else np.zeros(len(item), dtype=bool)
    badges, badge_at = distinct_values(batch.column(2))
    found = pc.fill_null(pc.match_substring_regex(badges, _REDIRECT), False)
    redirect = found.to_numpy(zero_copy_only=False)[badge_at]
    got = {"rows": batch.num_rows, "sitelinks": int(keep.sum()),
           "redirect_sitelinks": int((keep & redirect).sum())}
    keep &= ~redirect
    names = [n if is_wiki[i] else None for i, n in enumerate(names)]
    return item[keep], names, index[keep], got


def distinct_values(column: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """The distinct values of a string column (a null among them) and each row's index into
    them: a dictionary-encoded column's own, or one made here."""
    if not pa.types.is_dictionary(column.type):
        column = pc.dictionary_encode(column.cast(pa.string()))
    values = column.dictionary.cast(pa.string())
    indices = column.indices
    if indices.null_count:  # a missing value: an index past the values, to a null
        values = pa.concat_arrays([values, pa.nulls(1, pa.string())])
        indices = pc.fill_null(indices, len(values) - 1)
    indices = np.asarray(indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    if len(values) > SMALL_DICTIONARY:  # perhaps a row group's, of which a batch uses a part
        used = np.zeros(len(values), dtype=bool)
        used[indices] = True
        if not used.all():
            values = values.take(pa.array(np.flatnonzero(used)))
            indices = (np.cumsum(used) - 1)[indices]
    return values, indices


def parquet_titles(path: Path, qids: Sequence[str], wikis=None) -> pd.DataFrame:
    """``qid, wiki, title`` of the Wikipedia articles of *qids* in Parquet sitelinks (of the
    (qid, wiki) pairs only, given *wikis*): a pass over the file, keeping the rows asked for."""
    wanted = pa.array(sorted(set(qids)), pa.string())
    pairs = None
    if wikis is not None:  # matched in Arrow, a batch at a time: only the pairs become pandas
        pairs = pa.table({"qid": pa.array(list(qids), pa.string()),
                          "wiki": pa.array(list(wikis), pa.string())}).group_by(
            ["qid", "wiki"]).aggregate([])
    known = known_wikipedias()
    parts = []
    for batch in _batches(path, SITELINK_COLUMNS):
        table = pa.Table.from_batches([batch])
        table = table.select(["qid", "wiki", "title", "badges"]).cast(pa.schema(
            [("qid", pa.string()), ("wiki", pa.string()), ("title", pa.string()),
             ("badges", pa.string())]))
        table = table.filter(pc.is_in(table["qid"], value_set=wanted))
        if pairs is not None and table.num_rows:
            table = table.join(pairs, keys=["qid", "wiki"], join_type="inner")
        if table.num_rows:
            parts.append(table.to_pandas())
    pa.default_memory_pool().release_unused()
    if not parts:
        return pd.DataFrame({"qid": [], "wiki": [], "title": []})
    frame = pd.concat(parts, ignore_index=True)
    redirect = frame["badges"].fillna("").str.contains(_REDIRECT, regex=True)
    is_wiki = {w: is_wikipedia(w, known) for w in frame["wiki"].unique()}
    frame = frame[~redirect & frame["wiki"].map(is_wiki)]
    return frame[["qid", "wiki", "title"]].drop_duplicates(["qid", "wiki"]).reset_index(drop=True)
