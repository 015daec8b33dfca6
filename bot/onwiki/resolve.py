"""Checking a report against what the bot can serve: the catalogue, the Wikipedias, the data.

:func:`resolve_report` turns a :class:`ReportSpec` into a :class:`ResolvedReport` (the item
sets to analyse and the options of its run), leaving out, with a message, each goal, target,
item or language the data source cannot serve.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import UsageError
from bot.onwiki.model import ConfigMessage, ReportSpec


@dataclass(frozen=True)
class ResolvedReport:
    """A report ready to run: the item set ids to analyse and the options of its run."""

    spec: ReportSpec
    itemsets: tuple[str, ...]  # catalogue item set ids
    custom: tuple[str, ...] = ()  # the organizer's QIDs (items), if any
    custom_goal: int | None = None
    custom_observed: tuple[str, ...] | None = None  # wikis the data observed for the items
    languages: tuple[str, ...] | None = None  # wiki codes that pass the checks
    report_language: str = "en"


def resolve_report(
    spec: ReportSpec,
    catalogue,
    wikis,
    *,
    embedded: bool,
    report_languages: list[str],
    snapshot_qids: dict[str, tuple[str, ...]] | None = None,
) -> tuple[ResolvedReport | None, list[ConfigMessage]]:
    """Check *spec* against the catalogue, the Wikipedias and the data source.

    *embedded*: the data is the bundled snapshot, which serves only its own item sets;
    *snapshot_qids* then maps each QID of the snapshot to the wikis its source observed.
    Returns the report (None when nothing of it can run) and the messages.
    """
    messages: list[ConfigMessage] = []

    def say(key: str, text: str) -> None:
        messages.append(ConfigMessage(spec.line_of(key), text, spec.number, spec.page, key))

    # The organizer's items came from "items", "items page" or both.
    items_key = "items" if "items" in spec.lines or not spec.items_page else "items page"
    chosen: list[str] = []
    served = catalogue.itemsets_for(None, snapshot_only=embedded)
    for goal in spec.goals:
        sets = [s.id for s in served if s.goal == goal]
        if not sets:
            where = ("the bundled snapshot (the bot runs offline; a live endpoint, e.g. "
                     "--endpoint wdqs, serves every goal)" if embedded else "the catalogue")
            say("goals", f"goal {goal} has no item set in {where}; it is left out. Expected "
                f"one of the goals served: {_served_goals(served)}.")
        chosen += sets
    for target in spec.targets:
        if target not in catalogue.targets:
            say("goals", f"target {target} does not exist; it is left out. Expected a UN "
                "target such as 15.8 (see `sdg-gaps catalogue list --targets`).")
            continue
        sets = [s.id for s in served if target in s.targets]
        if not sets:
            tied = sorted({t for s in served for t in s.targets})
            say("goals", f"no item set is tied to target {target}; it is left out. Expected "
                f"a target with an item set: {', '.join(tied) or 'none'} — or its goal "
                f"({target.split('.')[0]}).")
        chosen += sets
    chosen = list(dict.fromkeys(chosen))

    custom: tuple[str, ...] = ()
    observed: tuple[str, ...] | None = None
    if spec.items:
        custom = spec.items
        if embedded:
            known = snapshot_qids or {}
            absent = [q for q in custom if q not in known]
            if absent:
                say(items_key, f"{len(absent)} of your {len(custom)} items are not in the "
                    f"bundled snapshot ({', '.join(absent[:5])}{'…' if len(absent) > 5 else ''})"
                    "; they are left out. Expected items the snapshot has, or a live endpoint.")
            custom = tuple(q for q in custom if q in known)
            if custom:
                common = set.intersection(*(set(known[q]) for q in custom))
                observed = tuple(sorted(common))
                if not observed:
                    say(items_key, "no Wikipedia was looked at for all of your items in the "
                        "bundled snapshot; your items are left out.")
                    custom = ()

    languages: tuple[str, ...] | None = None
    if spec.languages is not None:
        good = []
        for code in spec.languages:
            try:
                good.append(wikis.resolve(code).wiki)
            except UsageError:  # not a Wikipedia
                say("languages", f"“{code}” is not a Wikipedia language code; it is left out. "
                    "Expected codes like fr, de, sw (the subdomain of the Wikipedia).")
        if chosen or custom:
            observable = _observable(catalogue, chosen, embedded, observed if custom else None)
            if observable is not None:
                unseen = [w for w in good if w not in observable]
                for wiki in unseen:
                    say("languages", f"{wiki.removesuffix('wiki')} was not looked at by the "
                        "data of this report's item sets (its coverage is unknown); it is left "
                        "out.")
                good = [w for w in good if w in observable]
        if not good:
            say("languages", "none of the languages can be reported on; this report is "
                "skipped. Expected at least one Wikipedia the data looked at.")
            return None, messages
        languages = tuple(good)

    report_language = spec.report_language
    if report_language not in report_languages:
        say("report language", f"there is no translation for “{report_language}”; the report "
            f"is written in English. Expected one of: {', '.join(report_languages)}.")
        report_language = "en"
    if not chosen and not custom:
        say("goals", "nothing left to report on after the mistakes above; this report is "
            "skipped.")
        return None, messages
    return ResolvedReport(
        spec=spec, itemsets=tuple(chosen), custom=custom, custom_goal=spec.items_goal,
        custom_observed=observed, languages=languages, report_language=report_language,
    ), messages


def _served_goals(served) -> str:
    goals = sorted({s.goal for s in served})
    return ", ".join(str(g) for g in goals) or "none"


def _observable(catalogue, chosen, embedded, custom_observed) -> set[str] | None:
    """The wikis the chosen item sets' data looked at (None: every Wikipedia)."""
    if not embedded:
        return None
    wikis: set[str] = set()
    for set_id in chosen:
        observed = catalogue.itemset(set_id).observed_wikis
        if observed is None:
            return None
        wikis |= set(observed)
    if custom_observed is not None:
        wikis |= set(custom_observed)
    return wikis
