"""``sdg-gaps campaign publish|impact FILE``: a partner's campaign (:mod:`bot.campaign`)."""

from __future__ import annotations

import sys
from pathlib import Path

from bot import TOOL_NAME
from bot.cli import common


def add_parser(subparsers) -> None:
    campaign = subparsers.add_parser(
        "campaign",
        help="a partner's campaign: publish its worklists, measure its impact",
        description=(
            "A campaign (a TOML file: name, partner, goals, languages, start, end, page, rows; "
            "see samples/campaign.toml) puts a partner's worklists where translators work and "
            "measures, months later, what changed."
        ),
        epilog=common.EPILOG,
    )
    commands = campaign.add_subparsers(dest="campaign_command", required=True,
                                       metavar="COMMAND")
    publish = commands.add_parser(
        "publish",
        help="write (and post) the worklists and the page collection; freeze the start once",
        description=(
            "Analyse the campaign's goals and targets in its languages and write its pages: "
            "the root page, one worklist per language (ranked, with Content Translation links "
            "and the source language) and a page collection (<page-collection> with one "
            "[[d:Q…]] link per item) for Content Translation's suggestions; with --post, post "
            "them under the campaign's page. The first publication records the campaign's "
            "start in the history — every item then missing in each language, on the worklist "
            "or not —; publishing again updates the pages, never that start."
        ),
        epilog=common.EPILOG,
    )
    impact = commands.add_parser(
        "impact",
        help="compare the frozen start with the runs recorded since: impact.csv, chart, page",
        description=(
            "Count, per language and month since the start, the worklist's items that got an "
            "article and those still missing, and the same for the comparison group (the "
            "scope's other missing items), from every run recorded in the history since then "
            "and, when a data source is given (--endpoint, --snapshot, --sitelinks), a fresh "
            "look at the current data, recorded like a run. Writes impact.csv, impact.json, "
            "impact.png and the impact page; with --post, posts it as <page>/Impact."
        ),
        epilog=common.EPILOG,
    )
    for command in (publish, impact):
        command.add_argument("file", type=Path, metavar="FILE", help="the campaign (TOML)")
        command.add_argument("--out", type=Path, metavar="DIR", help="output directory")
        command.add_argument(
            "--itemsets", type=Path, action="append", default=[], metavar="FILE",
            help="an organizer's item-set file (TOML), whose sets the goals may name")
        common.add_source_options(command)
        common.add_engine_options(command)
        command.add_argument(
            "--history", type=Path, metavar="PATH",
            help="the history file (default: $SDG_GAPS_HISTORY or reports/history.sqlite)")
        command.add_argument("--lang", default="en", choices=_languages(),
                             help="language of the pages' text (default en)")
        command.add_argument("--post", action="store_true",
                             help="post the pages under the campaign's page")
        common.add_allow_root(command, "with --post: ")
        command.add_argument("--quiet", action="store_true", help="no progress output")
    impact.set_defaults(endpoint=None)  # no data source given: the history alone
    publish.set_defaults(handler=handle_publish)
    impact.set_defaults(handler=handle_impact)


def _languages() -> list[str]:
    from bot.report.text import report_languages

    return report_languages()


def _post_options(args, campaign):
    from bot.errors import UsageError

    if args.allow_root and not args.post:
        raise UsageError("--allow-root needs --post")
    if not args.post:
        return None
    from bot.wiki import PostOptions, check_root

    check_root(campaign.page, allow_roots=args.allow_root, pywikibot_args=args.pywikibot_args)
    return PostOptions(root=campaign.page, pywikibot_args=list(args.pywikibot_args),
                       allow_roots=tuple(args.allow_root))


def _say(messages) -> None:
    for message in messages:
        print(f"{TOOL_NAME}: warning: {message}", file=sys.stderr)


def handle_publish(args) -> int:
    from bot.campaign.publish import open_campaign, publish
    from bot.campaign.spec import read_file
    from bot.history import default_path

    common.check_engine(args)
    campaign = read_file(args.file)
    post = _post_options(args, campaign)
    progress = common.ProgressLine(not args.quiet)
    checked = open_campaign(campaign, common.source_of(args), itemset_files=args.itemsets)
    _say(checked.messages)
    done = publish(campaign, history=args.history or default_path(), out=args.out,
                   post=post, lang=args.lang, engine=args.engine, master=args.master,
                   checked=checked, notify=common.notifier(progress, TOOL_NAME))
    shown = ", ".join(f"{code} {n}" for code, n in
                      done.worklist.groupby("language", sort=False).size().items())
    items = done.worklist["qid"].nunique()
    if done.new:
        start = f"start frozen now ({done.frozen.run_id})"
    elif done.frozen is not None:
        start = f"start frozen on {done.frozen.frozen[:10]} kept"
    else:
        start = "start not frozen"
    print(f"{done.out}: campaign “{campaign.name}”: worklists {shown or 'empty'}; page "
          f"collection of {items:,} items; {start}")
    for note in done.notes:
        print(f"{TOOL_NAME}: note: {note}", file=sys.stderr)
    return done.status


def handle_impact(args) -> int:
    from bot.campaign.impact import impact
    from bot.campaign.publish import open_campaign
    from bot.campaign.spec import read_file
    from bot.history import default_path

    common.check_engine(args)
    campaign = read_file(args.file)
    post = _post_options(args, campaign)
    checked = None
    if args.endpoint is not None or args.sitelinks is not None or args.snapshot is not None:
        args.endpoint = args.endpoint or "embedded"
        checked = open_campaign(campaign, common.source_of(args), itemset_files=args.itemsets)
        _say(checked.messages)
    progress = common.ProgressLine(not args.quiet)
    done = impact(campaign, history=args.history or default_path(), checked=checked,
                  out=args.out, post=post, lang=args.lang, engine=args.engine,
                  master=args.master, notify=common.notifier(progress, TOOL_NAME))
    last = done.measured.months.drop_duplicates("wiki", keep="last")
    shown = "; ".join(
        f"{r.wiki} {r.created}/{r.worklist_items} created, comparison "
        f"{r.control_created}/{r.control_items}" for r in last.itertuples(index=False))
    look = f"fresh look {done.fresh.run_id}; " if done.fresh is not None else ""
    print(f"{done.out}: impact of “{campaign.name}”: {look}{shown}; impact.csv, impact.json, "
          "impact.png, impact page")
    return done.status
