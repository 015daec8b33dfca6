"""On-wiki configuration: organizers describe their reports on a wiki page they own.

The configuration page holds one template per report; everything else on the page (an
introduction, a discussion, examples inside ``<nowiki>`` or ``<pre>``) is ignored::

    {{SDG gaps report
    | page            = Project:WikiProject Climate/SDG gaps
    | goals           = 13, 15.8
    | languages       = fr, de, sw
    | every           = 7
    | report language = en
    | rows            = 200
    | rank            = demand
    }}

Parameters (names are case-insensitive; ``_`` and spaces are the same):

``page`` (required)
    the root page of the report: the summary goes on it, goals and languages on subpages.
``goals``
    goals (``13``) and targets (``15.8``), separated by commas: a goal brings all its item
    sets, a target the item sets tied to it.
``items``, ``items goal``, ``items title``
    an organizer's own item set: QIDs separated by spaces, commas or new lines, the goal they
    count for (1–17), and a title.
``items page``
    a wiki page (on the same wiki) that lists more items of that set, e.g.
    ``items page = Project:SDG gaps/Our list``; with ``items``, the set is the union of both
    (``items goal`` is needed all the same). The list is read at each run of the report, in
    PagePile's plain-text export style: one item per line, as ``Q7942``, ``* [[d:Q7942]]``,
    ``# [[:d:Q7942|Global warming]]``, ``[[Q7942]]``, a Wikidata URL, or a line of text with
    one QID in it (``* Q7942 – global warming``). Lines without a QID (an introduction,
    headings) are ignored, as are comments and ``<nowiki>``; a PagePile export pasted inside
    ``<pre>`` is read. A missing page, a page without any item, and lines with several
    different QIDs or with something that looks like a QID and is not one (``Q79x``,
    ``[[d:Q-1]]``) each become one message naming the lines; the rest runs.
    See ``samples/items-page.wiki``.
``languages``
    Wikipedia language codes separated by commas, or ``all`` (the default: every Wikipedia
    the data looked at).
``every``
    days between two updates of the report (default 7; ``0``: at every run; ``daily``,
    ``weekly`` and ``monthly`` work too).
``report language``
    the language of the report's text (a message file must exist; default ``en``).
``rows``
    the most missing articles listed per goal on a language page (1–5,000; default 200), for
    each kind: topics to translate, and topics to write from scratch.
``rank``
    how the topics to translate are ordered: ``sitelinks`` (the default: the number of
    Wikipedias with an article, most first) or ``demand`` (reader demand: the page views of
    their articles, most first; ties by sitelinks).

Templates are used rather than JSON because organizers edit them every day, VisualEditor's
template dialog edits them, and a slip in one parameter does not void the rest: every mistake
becomes a :class:`ConfigMessage` naming the line, the report and the parameter, saying what is
wrong and what is expected; the mistaken value is left out (or the report, when it cannot run
without it) and everything else runs.

:func:`parse_config` reads the text (no wiki, no catalogue); :func:`resolve_report` then checks
a report against the catalogue, the Wikipedias and what the endpoint can serve.

The rooms of the package:

* :mod:`bot.onwiki.model` — the template, its parameters and defaults; :class:`ReportSpec`,
  :class:`ConfigMessage`, :class:`ConfigPage`;
* :mod:`bot.onwiki.parse` — :func:`parse_config`: the page's templates into reports;
* :mod:`bot.onwiki.fields` — the readers of one parameter's value;
* :mod:`bot.onwiki.items` — a list of items kept on another page (``items page``);
* :mod:`bot.onwiki.resolve` — :func:`resolve_report`: a report against what the bot can serve.
"""

from bot.onwiki.items import ItemsList, apply_items_page, read_items_list
from bot.onwiki.model import (
    CAMPAIGN_TEMPLATE,
    DEFAULT_EVERY,
    DEFAULT_ROWS,
    MAX_ROWS,
    PARAMETERS,
    TEMPLATE,
    ConfigMessage,
    ConfigPage,
    ReportSpec,
)
from bot.onwiki.parse import parse_config
from bot.onwiki.resolve import ResolvedReport, resolve_report

__all__ = [
    "CAMPAIGN_TEMPLATE", "DEFAULT_EVERY", "DEFAULT_ROWS", "MAX_ROWS", "PARAMETERS", "TEMPLATE",
    "ConfigMessage", "ConfigPage", "ItemsList", "ReportSpec", "ResolvedReport",
    "apply_items_page", "parse_config", "read_items_list", "resolve_report",
]
