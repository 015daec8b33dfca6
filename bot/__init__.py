"""sdg-gaps: which knowledge the UN Sustainable Development Goals need is missing from Wikipedia.

The package reads in the order a run goes::

    catalogue → sources → facts → engines → analysis → report → wiki (→ history)

Each module owns one concern; :func:`bot.runs.run` is the one owner of a run, and the command
line (:mod:`bot.cli`, also ``python -m bot``: :mod:`bot.__main__`) wires requests to it.

What is counted:

* :mod:`bot.ids` — the vocabulary: QIDs, goal and target ids, badges, Wikimedia-internal classes;
* :mod:`bot.catalogue` — goals, targets and the item sets counted for them;
* :mod:`bot.scope` — a run's item sets, and the Wikipedias each set's data can tell about;
* :mod:`bot.topics` — the rule that keeps Wikimedia-internal items out of every count;
* :mod:`bot.languages` — Wikipedias: wiki ids, language codes, names, speakers, addresses.

Where the facts come from:

* :mod:`bot.sparql` — SPARQL endpoints: the embedded store, live services, a fallback;
* :mod:`bot.cache` — the on-disk cache of SPARQL (and page-view) answers;
* :mod:`bot.retry` — the one retry policy of every HTTP client;
* :mod:`bot.sources` — facts from an endpoint in batches, a Wikidata dump or Parquet files;
* :mod:`bot.snapshot` — the bundled offline snapshot: opening it, and building it;
* :mod:`bot.pagesizes`, :mod:`bot.pageviews` — article sizes (MediaWiki API) and reader demand
  (pageviews REST API) for live runs;
* :mod:`bot.facts` — what a run knows, one shape whatever the source.

A run:

* :mod:`bot.runs` — one run from request to result; :mod:`bot.runs_facts` its first half (the
  source opened, the item sets chosen, the facts gathered);
* :mod:`bot.engines` — every table of a run from its facts (compact numpy, or Spark);
* :mod:`bot.names` — the one chain that names an item on a page;
* :mod:`bot.memory` — freed memory handed back to the system between a run's stages;
* :mod:`bot.parallel` — the large passes of a run in blocks on two threads, results in order;
* :mod:`bot.analysis` — :class:`~bot.analysis.Analysis`, everything a report is rendered from;
* :mod:`bot.report` — the report directory: CSV, JSON, wikitext, HTML, charts;
* :mod:`bot.history` — every run recorded in SQLite, and what changed since the last one;
* :mod:`bot.worklist` — partner worklists: the first missing articles per language.

On the wiki:

* :mod:`bot.wiki` — posting a report directory between markers (the only package that knows
  pywikibot);
* :mod:`bot.roots` — where the bot may write, and the audit line of scheduled edits;
* :mod:`bot.markers` — the shrink limit every writer applies;
* :mod:`bot.onwiki` — the organizers' configuration page, read and checked;
* :mod:`bot.schedule` — scheduled runs, with :mod:`bot.schedule_lock` (one run at a time),
  :mod:`bot.schedule_data` (options and results), :mod:`bot.schedule_report` (one report: due,
  run) and :mod:`bot.schedule_status` (the status page);
* :mod:`bot.campaign` — partners' campaigns: worklists published, a frozen start, the impact.

And for every module: :mod:`bot.config` (small checked settings the command line and the
configuration page share) and :mod:`bot.errors` (every exception, in one tree).
"""

__version__ = "0.1.0"
TOOL_NAME = "sdg-gaps"
