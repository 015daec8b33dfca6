"""The shrink limit every writer of report pages applies, apart from pywikibot.

(The markers themselves, and the rest of how a report lives on a page, are
:mod:`bot.wiki.text`'s.)

The writer (:mod:`bot.wiki`) refuses to save a page that would lose more than
:data:`DEFAULT_MAX_SHRINK` of its table rows unless told otherwise (``--max-shrink``,
``--force``); ``sdg-gaps post``, ``run --post`` and the scheduled runs share that one default.
"""

DEFAULT_MAX_SHRINK = 0.30
