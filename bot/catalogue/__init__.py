"""The catalogue: what "SDG-related" means to sdg-gaps.

The catalogue has three parts, all plain files in the repository:

* **Goals** — ``queries/sdg/goals.tsv``: the 17 goals, each with the Wikidata item the UN itself
  matches it to (``skos:exactMatch`` in the UN SDG KOS), its UN URI, and its short name and title
  in the eight languages of the Open SDG translations (en fr es ru zh-Hans ar de sw).
* **Targets** — ``queries/sdg/targets.tsv``: the 169 targets (``1.1`` … ``17.19``) with their
  titles in the same languages. Both tables are written by ``scripts/build_catalogue.py`` from the
  UN's data; they are never edited by hand.
* **Item sets** — the Wikidata items counted for a goal (or for some of its targets). An item set
  is either a *pinned* list of QIDs (a text file, one QID a line, ``#`` comments) or a *selection
  query* (a ``.rq`` file whose ``SELECT`` projects ``?item``): the bundled sets of the snapshot,
  the catalogue's own queries ``queries/goals/*.rq``, and organizers' own sets.

This package is the front door; it re-exports and holds no logic:

* :mod:`bot.catalogue.model` — the model (:class:`Goal`, :class:`Target`, :class:`ItemSet`,
  :class:`Catalogue`, :class:`Finding`), the repository paths and :func:`read_pinned`;
* :mod:`bot.catalogue.tables` — the committed tables: goals, targets, traced identifiers and
  identifiers to verify live;
* :mod:`bot.catalogue.queries` — the selection-query header and the identifiers queries use;
* :mod:`bot.catalogue.loading` — :func:`load_catalogue`: the snapshot's bundled sets, the
  catalogue's queries and organizers' TOML item-set files (whose format it describes);
* :mod:`bot.catalogue.build` — the tables built from the UN's data, and where every identifier
  comes from (``scripts/build_catalogue.py``);
* :mod:`bot.catalogue.listing` — ``sdg-gaps catalogue list``;
* :mod:`bot.catalogue.check` — ``sdg-gaps catalogue check``, offline;
* :mod:`bot.catalogue.live` — the check's live drift: every identifier looked up on an
  endpoint in one batched query.
"""

from bot.catalogue.build import build_tables, trace_index, traced_table
from bot.catalogue.check import check_catalogue, check_query_text
from bot.catalogue.listing import list_catalogue
from bot.catalogue.live import check_live, live_query
from bot.catalogue.loading import (
    load_catalogue,
    load_goal_queries,
    load_itemset_file,
    snapshot_itemsets,
)
from bot.catalogue.model import (
    LANGUAGES,
    QID_RE,
    ROOT,
    TARGET_RE,
    Catalogue,
    Finding,
    Goal,
    ItemSet,
    Target,
    read_pinned,
)
from bot.catalogue.queries import (
    code_identifiers,
    identifiers_in,
    parse_query_header,
    query_files,
    strip_comment,
)
from bot.catalogue.tables import (
    TracedEntry,
    VerifyEntry,
    load_goals,
    load_targets,
    load_traced,
    load_verify_live,
)

__all__ = [
    "LANGUAGES",
    "QID_RE",
    "ROOT",
    "TARGET_RE",
    "Catalogue",
    "Finding",
    "Goal",
    "ItemSet",
    "Target",
    "TracedEntry",
    "VerifyEntry",
    "build_tables",
    "check_catalogue",
    "check_live",
    "check_query_text",
    "code_identifiers",
    "identifiers_in",
    "list_catalogue",
    "live_query",
    "load_catalogue",
    "load_goal_queries",
    "load_goals",
    "load_itemset_file",
    "load_targets",
    "load_traced",
    "load_verify_live",
    "parse_query_header",
    "query_files",
    "read_pinned",
    "snapshot_itemsets",
    "strip_comment",
    "trace_index",
    "traced_table",
]
