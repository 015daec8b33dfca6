"""Campaigns: a partner's worklists put where translators work, and an account of what changed.

A campaign (:mod:`bot.campaign.spec`) names a partner's goals and targets, its languages, a
start and an end date, a root page and the rows of each worklist; it is declared in a TOML file
or as a ``{{SDG gaps campaign}}`` template on the on-wiki configuration page.

- :mod:`bot.campaign.publish` writes (and posts) the campaign's pages — one worklist per
  language and a page collection for Content Translation — and freezes, once, the campaign's
  start in the history: every item missing in each language, on the worklist or not;
- :mod:`bot.campaign.observe` looks, at every run recorded later (by hand, scheduled or the
  campaign's own), at which of the frozen items have an article now;
- :mod:`bot.campaign.impact` compares the frozen start with those looks, per language and month;
- :mod:`bot.campaign.store` keeps the frozen starts and the looks, in the history file;
- :mod:`bot.campaign.scheduled` runs the campaign templates of a configuration page.

This front door holds no logic and imports nothing, so that the run path can load
:mod:`bot.campaign.observe` without the rest.
"""
