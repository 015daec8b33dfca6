"""Where a run's facts come from: an endpoint (batched SPARQL), a Wikidata dump, Parquet.

Each source answers a run's :class:`bot.facts.Facts` and :class:`bot.facts.Lookups`;
:mod:`bot.runs_facts` chooses which.

* :mod:`bot.sources.queried` — the facts asked of a SPARQL endpoint: each item set's items
  selected, the Wikimedia-internal ones left out, their sitelinks fetched, labels asked later;
* :mod:`bot.sources.endpoint` — Wikipedia sitelinks, badges, labels, P31 classes and
  sitelink counts of a list of items, asked in batches of ``VALUES`` (a batch too large is
  halved);
* :mod:`bot.sources.partition` — selection queries too large for one answer, asked in parts
  by ranges of the item id;
* :mod:`bot.sources.files` — the facts from files (``run --sitelinks FILE [--members FILE]``):
  sitelinks from a Wikidata JSON dump or Parquet, members from CSV or Parquet;
* :mod:`bot.sources.parquet` — Wikipedia sitelinks from Parquet, a batch at a time, matched to
  the members on worker threads;
* :mod:`bot.sources.dump` — a Wikidata JSON dump streamed in bounded memory: the Wikipedia
  sitelinks, P31 classes and sitelink counts of an item set's items.
"""
