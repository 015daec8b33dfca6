"""Where a run's facts come from: an endpoint (batched SPARQL), a Wikidata dump, Parquet.

* :mod:`bot.sources.endpoint` — sitelinks, badges and labels of a list of items, asked of a
  SPARQL endpoint in batches of ``VALUES``;
* :mod:`bot.sources.partition` — selection queries too large for one answer, asked in parts;
* :mod:`bot.sources.dump` — an item set's Wikipedia sitelinks streamed out of a Wikidata JSON
  dump in bounded memory.
"""
