"""How a report lives on a wiki page, apart from pywikibot: the limits every writer applies.

The writer (:mod:`bot.wiki`) refuses to save a page that would lose more than
:data:`DEFAULT_MAX_SHRINK` of its table rows unless told otherwise (``--max-shrink``,
``--force``); ``sdg-gaps post``, ``run --post`` and the scheduled runs share that one default.
"""

DEFAULT_MAX_SHRINK = 0.30
