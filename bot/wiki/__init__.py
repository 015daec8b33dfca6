"""Posting a report directory to a wiki: the one package of sdg-gaps that knows pywikibot.

A report page is owned by people first. The bot only ever rewrites what lies between two HTML
comments carrying the report's id::

    Text an editor wrote, kept byte for byte.
    <!-- sdg-gaps:start goal-13 -->
    ...the report, replaced at every run...
    <!-- sdg-gaps:end goal-13 -->
    More text an editor wrote, kept byte for byte.

The markers are found with mwparserfromhell, so a marker quoted inside ``<nowiki>`` or
``<pre>`` is not one. A page whose markers are missing, duplicated or unbalanced is refused and
left alone; a page that does not exist yet is created with a short header and the markers.

Everything on the wiki goes through pywikibot and its configuration: the account and
BotPassword or OAuth from ``user-config.py``, throttling, maxlag, the {{bots}}/{{nobots}}
convention, and the global options ``-simulate``, ``-dir:``, ``-user:`` and ``-pt:``. Saves
carry the revision they were based on, so an edit made by someone else in between is an edit
conflict: the page is read again and the report spliced into the fresh text; nobody's words are
overwritten. A report too large for one page is split between table rows into numbered
subpages with an index on its own page; ``local_dir`` writes the pages and their diffs to files
instead of saving them.

Nothing is written under a root the bot may not write (:mod:`bot.roots`): the writer,
:class:`ReportBot`, checks the root against the allowed roots before its first page, with the
titles spelt by the wiki, and :func:`check_root` lets a caller refuse a root before any work.

The front door is :func:`post_report`. Each page ends in one :class:`PageOutcome`: ``saved``,
``unchanged`` (nothing to do: a re-run on the same data makes no edit), ``skipped``
({{nobots}}), ``refused`` (markers, or the shrink guard) or ``failed`` (protection, rights,
conflicts that did not settle, API errors). One page failing does not stop the others.

The rooms of the package (only the writer's rooms import pywikibot):

* :mod:`bot.wiki.text` — the markers, the text between them, splicing, and splitting a large
  body into parts (mwparserfromhell only);
* :mod:`bot.wiki.plan` — the post's options and outcomes, the report directory, the pages to
  write, the shrink guard and the edit summaries (no pywikibot);
* :mod:`bot.wiki.session` — pywikibot's global options, hidden secrets, the password file, the
  login, reading pages for the scheduler;
* :mod:`bot.wiki.guard` — the allowed roots, asked of the wiki;
* :mod:`bot.wiki.writer` — :func:`post_report`, :func:`post_page` and :class:`ReportBot`;
* :mod:`bot.wiki.local` — the local preview (``local_dir``).
"""

from bot.wiki.guard import check_root
from bot.wiki.plan import STATUSES, PageOutcome, PostOptions, edit_summary
from bot.wiki.session import PageText, read_pages
from bot.wiki.text import (
    HEADER,
    Stats,
    between,
    check_splice,
    count_rows,
    item_links,
    markers,
    new_page_text,
    region,
    splice,
    split_body,
)
from bot.wiki.writer import ReportBot, post_page, post_report

__all__ = [
    "HEADER", "STATUSES", "PageOutcome", "PageText", "PostOptions", "ReportBot",
    "Stats", "between", "check_root", "check_splice", "count_rows", "edit_summary",
    "item_links", "markers", "new_page_text", "post_page", "post_report", "read_pages",
    "region", "splice", "split_body",
]
