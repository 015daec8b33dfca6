"""The writer against the real test wiki: what it saves, what it keeps, what it refuses."""

import secrets
import time

import pytest

from bot.wiki import PostOptions, between, markers, post_report
from tests.report_bodies import ROOT, RUN, report

pytestmark = pytest.mark.wiki

def post(directory, echo=None, **options):
    lines = []
    options.setdefault("allow_roots", (ROOT,))
    outcomes = post_report(directory, PostOptions(root=ROOT, **options),
                           echo=echo or lines.append)
    return {outcome.title: outcome for outcome in outcomes}


def statuses(outcomes):
    return {title: outcome.status for title, outcome in outcomes.items()}


def test_new_pages_are_created_with_markers_and_render_item_links(wiki, report_dir):
    outcomes = post(report(report_dir, range(1, 11), range(20, 25)))
    assert statuses(outcomes) == {ROOT: "saved", f"{ROOT}/SDG 13": "saved", f"{ROOT}/fr": "saved"}
    text = wiki.text(f"{ROOT}/SDG 13")
    start, end = markers("goal-13")
    assert text.count(start) == 1 and text.count(end) == 1
    assert text.index(start) > 0  # a header editors may change comes first
    parsed = wiki.parse(f"{ROOT}/SDG 13")
    assert parsed["links"] == [] and parsed["templates"] == [] and parsed["categories"] == []
    assert sorted(link["url"] for link in parsed["iwlinks"]) == sorted(
        f"https://www.wikidata.org/wiki/Q{q}" for q in range(1, 11))
    summary = wiki.revisions(f"{ROOT}/SDG 13")[-1]["comment"]
    assert summary == f"SDG 13: 10 gaps (\u22120, +10) \u00b7 run {RUN}"


HUMAN_ABOVE = (
    "{{Shortcut|WP:SDG}}\n"
    "Written by a person: ''keep'' this   exactly — ünïcödé, trailing spaces   \n"
    "<nowiki><!-- sdg-gaps:end goal-13 --></nowiki> is quoted, not a marker.\n\n"
)
HUMAN_BELOW = "\n\n== Discussion ==\nA table of my own:\n{|\n| mine\n|}\n[[Category:SDG]]"


def human_page(wiki, title, report_id, inside="placeholder"):
    start, end = markers(report_id)
    wiki.edit(title, f"{HUMAN_ABOVE}{start}\n{inside}\n{end}{HUMAN_BELOW}")
    return wiki.text(title)


def outside(text, report_id):
    start, end = markers(report_id)
    begin = text.index(start) + len(start)
    return text[:begin], text[text.index(end, begin):]


def test_human_text_stays_byte_identical_over_three_runs(wiki, report_dir):
    title = f"{ROOT}/SDG 13"
    stored = human_page(wiki, title, "goal-13")
    for run, qids in enumerate([range(1, 30), range(5, 40), range(2, 12)], 1):
        outcomes = post(report(report_dir, qids, run_id=f"2026113{run}T000000Z"), force=True)
        assert outcomes[title].status == "saved"
        text = wiki.text(title)
        assert outside(text, "goal-13") == outside(stored, "goal-13")
        assert sorted(link["url"].rsplit("/", 1)[1] for link in wiki.parse(title)["iwlinks"]) \
            == sorted(f"Q{q}" for q in qids)


def test_a_second_run_on_the_same_data_makes_no_edit(wiki, report_dir):
    directory = report(report_dir, range(1, 20), range(3, 9))
    post(directory)
    titles = [ROOT, f"{ROOT}/SDG 13", f"{ROOT}/fr"]
    before = {title: wiki.revid(title) for title in titles}
    outcomes = post(directory)
    assert set(statuses(outcomes).values()) == {"unchanged"}
    assert {title: wiki.revid(title) for title in titles} == before


def test_a_nobots_page_is_not_touched(wiki, report_dir):
    title = f"{ROOT}/SDG 13"
    start, end = markers("goal-13")
    wiki.edit(title, f"{{{{nobots}}}}\n{start}\nold\n{end}")
    revid = wiki.revid(title)
    outcomes = post(report(report_dir, range(1, 5)))
    assert outcomes[title].status == "skipped"
    assert outcomes[ROOT].status == "saved"
    assert wiki.revid(title) == revid


@pytest.mark.parametrize("text", [
    "Intro\n<!-- sdg-gaps:start goal-13 -->\nold rows\nOutro without the end",
    "Intro\n<!-- sdg-gaps:end goal-13 -->\nold rows",
    "<!-- sdg-gaps:start goal-13 -->\na\n<!-- sdg-gaps:end goal-13 -->\n"
    "<!-- sdg-gaps:start goal-13 -->\nb\n<!-- sdg-gaps:end goal-13 -->",
    "A page somebody wrote, without any markers.",
    "{{Box|<!-- sdg-gaps:start goal-13 -->}}\n<!-- sdg-gaps:end goal-13 -->",
], ids=["no-end", "no-start", "twice", "none", "split-across-template"])
def test_a_page_with_broken_markers_is_refused_and_untouched(wiki, report_dir, text):
    title = f"{ROOT}/SDG 13"
    wiki.edit(title, text)
    revid = wiki.revid(title)
    outcomes = post(report(report_dir, range(1, 5)))
    assert outcomes[title].status == "refused"
    assert outcomes[ROOT].status == "saved"
    assert wiki.revid(title) == revid


def test_a_protected_page_fails_cleanly_while_the_others_save(wiki, report_dir):
    title = f"{ROOT}/SDG 13"
    human_page(wiki, title, "goal-13")
    wiki.protect(title)
    revid = wiki.revid(title)
    outcomes = post(report(report_dir, range(1, 5), range(1, 3)))
    assert outcomes[title].status == "failed"
    assert "protected" in outcomes[title].reason
    assert outcomes[ROOT].status == outcomes[f"{ROOT}/fr"].status == "saved"
    assert wiki.revid(title) == revid


def test_a_protected_title_cannot_be_created_and_says_so(wiki, report_dir):
    wiki.protect(f"{ROOT}/fr")
    outcomes = post(report(report_dir, range(1, 5), range(1, 3)))
    assert outcomes[f"{ROOT}/fr"].status == "failed"
    assert not wiki.exists(f"{ROOT}/fr")
    assert outcomes[f"{ROOT}/SDG 13"].status == "saved"


def test_a_human_edit_outside_the_report_between_read_and_save_is_kept(wiki, report_dir):
    title = f"{ROOT}/SDG 13"
    stored = human_page(wiki, title, "goal-13")
    edited = "A paragraph added while the bot was working.\n\n" + stored
    calls = []

    def human_edits(page_title):
        calls.append(page_title)
        if page_title == title and calls.count(title) == 1:
            wiki.edit(title, edited)

    outcomes = post(report(report_dir, range(1, 9)), before_save=human_edits)
    assert outcomes[title].status == "saved"
    text = wiki.text(title)
    assert text.startswith("A paragraph added while the bot was working.\n\n" + HUMAN_ABOVE)
    assert outside(text, "goal-13")[1] == outside(stored, "goal-13")[1]
    assert [r["user"] for r in wiki.revisions(title)][-2:] == [wiki.admin_user, wiki.bot_user]


def test_a_conflicting_human_edit_is_never_overwritten(wiki, report_dir):
    """The human changes the same lines the bot changes: MediaWiki cannot merge, pywikibot
    raises an edit conflict, and the bot splices its report into the human's text."""
    title = f"{ROOT}/SDG 13"
    start, end = markers("goal-13")
    human_page(wiki, title, "goal-13", inside="old report")
    human_text = f"Rewritten intro.\n{start}\nold report, corrected by hand\n{end}\nNew outro."
    calls = []

    def human_edits(page_title):
        calls.append(page_title)
        if page_title == title and calls.count(title) == 1:
            wiki.edit(title, human_text)

    outcomes = post(report(report_dir, range(1, 9)), before_save=human_edits)
    assert calls.count(title) == 2  # the first save conflicted, the second went through
    assert outcomes[title].status == "saved"
    text = wiki.text(title)
    assert text.startswith(f"Rewritten intro.\n{start}\n") and text.endswith(f"{end}\nNew outro.")
    assert "[[:d:Q8|Q8]]" in text
    assert [r["user"] for r in wiki.revisions(title)][-2:] == [wiki.admin_user, wiki.bot_user]


def test_conflicts_that_never_settle_fail_after_a_few_attempts(wiki, report_dir):
    title = f"{ROOT}/SDG 13"
    human_page(wiki, title, "goal-13", inside="old")
    edits = []

    def keeps_editing(page_title):
        if page_title == title:
            edits.append(wiki.edit(title, f"Edit number {len(edits)}\n" + wiki.text(title)
                                   .replace("old", f"old {len(edits)}")))

    outcomes = post(report(report_dir, range(1, 5)), before_save=keeps_editing)
    assert outcomes[title].status == "failed"
    assert "conflict" in outcomes[title].reason
    assert wiki.revid(title) == edits[-1]


def test_the_shrink_guard_refuses_a_report_that_loses_rows_unless_forced(wiki, report_dir):
    title = f"{ROOT}/SDG 13"
    post(report(report_dir, range(1, 101)))
    revid = wiki.revid(title)
    outcomes = post(report(report_dir, range(1, 61)))  # 40 % fewer rows
    assert outcomes[title].status == "refused"
    assert "100 rows would become 60" in outcomes[title].reason
    assert wiki.revid(title) == revid
    assert post(report(report_dir, range(1, 75)))[title].status == "saved"  # 26 % is fine
    forced = post(report(report_dir, range(1, 11)), force=True)
    assert forced[title].status == "saved"


def test_the_edit_summary_says_what_changed_and_the_run(wiki, report_dir):
    title = f"{ROOT}/SDG 13"
    post(report(report_dir, range(1, 11)))
    post(report(report_dir, [*range(3, 11), 50, 51, 52], run_id="20261201T000000Z"))
    assert wiki.revisions(title)[-1]["comment"] == (
        "SDG 13: 11 gaps (\u22122, +3) \u00b7 run 20261201T000000Z")


def test_an_incomplete_report_is_posted_only_when_allowed(wiki, report_dir):
    from bot.errors import WikiError

    directory = report(report_dir, range(1, 5), complete=False)
    with pytest.raises(WikiError, match="incomplete"):
        post(directory)
    assert not wiki.exists(ROOT)
    assert statuses(post(directory, allow_incomplete=True))[ROOT] == "saved"


def test_simulate_saves_nothing(wiki, report_dir):
    outcomes = post(report(report_dir, range(1, 5)), pywikibot_args=["-simulate"])
    assert set(statuses(outcomes).values()) == {"saved"}
    assert all("simulated" in outcome.reason for outcome in outcomes.values())
    assert wiki.all_pages() == ["Main Page"]


def test_local_mode_writes_pages_and_diffs_and_saves_nothing(wiki, report_dir, tmp_path):
    title = f"{ROOT}/SDG 13"
    human_page(wiki, title, "goal-13", inside="old")
    revid = wiki.revid(title)
    outcomes = post(report(report_dir, range(1, 5)), local_dir=tmp_path / "local")
    assert set(statuses(outcomes).values()) == {"saved"}
    assert wiki.revid(title) == revid and not wiki.exists(ROOT)
    written = tmp_path / "local" / "SDG_knowledge_gaps%2FSDG_13.wiki"
    diff = (tmp_path / "local" / "SDG_knowledge_gaps%2FSDG_13.diff").read_text()
    assert outside(written.read_text(), "goal-13") == outside(wiki.text(title), "goal-13")
    assert "-old\n" in diff and "+| [[:d:Q4|Q4]]\n" in diff


def test_a_report_larger_than_the_page_limit_is_split_and_every_part_saves(wiki, report_dir):
    wiki.configure("$wgMaxArticleSize = 16;")  # KB: the writer may use half, 8 KB a page
    title = f"{ROOT}/SDG 13"
    big = report(report_dir, range(1, 301))  # about 30 KB of table
    outcomes = post(big)
    parts = [f"{title}/{n}" for n in range(1, 5)]
    assert statuses(outcomes) == {ROOT: "saved", title: "saved", **{p: "saved" for p in parts}}
    linked = []
    for number, part in enumerate(parts, 1):
        text = wiki.text(part)
        assert len(between(text, f"goal-13/{number}").encode()) <= 8 * 1024
        parsed = wiki.parse(part)
        html = parsed["text"]
        assert html.count("<table") == 1 and html.count("<th") == 4  # header repeated
        linked += [link["url"].rsplit("/", 1)[1] for link in parsed["iwlinks"]]
    assert linked == [f"Q{q}" for q in range(1, 301)]  # every row once, in order
    index = wiki.parse(title)
    assert sorted(link["title"] for link in index["links"]) == parts
    assert all(link["exists"] for link in index["links"])

    assert set(statuses(post(big)).values()) == {"unchanged"}

    smaller = report(report_dir, range(1, 226))  # 25 % fewer rows: three parts are enough
    outcomes = post(smaller)
    assert outcomes[parts[3]].status == "saved"
    assert "no longer used" in wiki.text(parts[3])
    assert "/4" not in wiki.text(title)
    linked = [link["url"].rsplit("/", 1)[1]
              for part in parts[:3] for link in wiki.parse(part)["iwlinks"]]
    assert linked == [f"Q{q}" for q in range(1, 226)]


# --- pages the bot may not read ------------------------------------------------------------

def read_protect(wiki, title):
    """Deny the bot's client (pywikibot, by its User-Agent: logged in or not) the right to read
    *title*, through MediaWiki's own permission hook, the way read-protecting extensions such
    as Lockdown do it: the API then answers ``accessdenied`` for its text, while the page
    exists and the test's own client still reads it."""
    token = secrets.token_hex(8)
    wiki.configure(
        "$wgHooks['getUserPermissionsErrors'][] = function ( $title, $user, $action, &$result ) {\n"
        "    $agent = RequestContext::getMain()->getRequest()->getHeader( 'User-Agent' );\n"
        "    if ( $action === 'read' && str_contains( (string)$agent, 'Pywikibot' )\n"
        f"            && $title->getPrefixedText() === {title!r} ) {{\n"
        "        $result = [ 'badaccess-group0' ];\n"
        "        return false;\n"
        "    }\n"
        "    return true;\n"
        "};\n"
        f"$wgRightsText = {token!r};  # tells when the wiki runs these settings"
    )
    # php -S runs with opcache, which may go on serving the settings file of an earlier test
    # for a moment after it changed: wait until the wiki runs this one (its token shows).
    for _ in range(100):
        if wiki.query(meta="siteinfo", siprop="rightsinfo")["rightsinfo"]["text"] == token:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("the test wiki does not run the new settings")


def test_a_page_the_bot_cannot_read_fails_with_the_reason_and_is_left_alone(wiki, report_dir):
    """Read as absent, the page would escape the shrink guard (100 rows becoming 10) and be
    "created" over what is there; it fails instead, and the other pages are saved."""
    title = f"{ROOT}/SDG 13"
    post(report(report_dir, range(1, 101)))
    revid = wiki.revid(title)
    read_protect(wiki, title)
    outcomes = post(report(report_dir, range(1, 11), run_id="20261201T000000Z"))
    assert outcomes[title].status == "failed"
    assert outcomes[title].reason.startswith(f"cannot read {title}: API error accessdenied")
    assert "nothing of this report is saved" in outcomes[title].reason
    assert wiki.revid(title) == revid
    assert outcomes[ROOT].status == "unchanged"  # the other report goes on (nothing new)


def test_a_split_report_whose_page_cannot_be_read_saves_none_of_its_parts(wiki, report_dir):
    wiki.configure("$wgMaxArticleSize = 16;")  # KB: a 300-row report takes four parts
    title = f"{ROOT}/SDG 13"
    human_page(wiki, title, "goal-13", inside="a report a person is looking after")
    read_protect(wiki, title)
    outcomes = post(report(report_dir, range(1, 301)))
    parts = [f"{title}/{n}" for n in range(1, 5)]
    assert statuses(outcomes) == {ROOT: "saved", title: "failed", **{p: "failed" for p in parts}}
    assert all("cannot read" in outcomes[p].reason for p in parts)
    assert not any(wiki.exists(p) for p in parts)
    assert "a report a person is looking after" in wiki.text(title)


def test_local_mode_does_not_diff_a_page_it_cannot_read_against_nothing(
    wiki, report_dir, tmp_path
):
    title = f"{ROOT}/SDG 13"
    human_page(wiki, title, "goal-13", inside="old")
    read_protect(wiki, title)
    outcomes = post(report(report_dir, range(1, 5), range(20, 25)), local_dir=tmp_path / "local")
    assert outcomes[title].status == "failed" and "cannot read" in outcomes[title].reason
    assert outcomes[f"{ROOT}/fr"].status == "saved"  # the other pages: written to files
    written = {path.name for path in (tmp_path / "local").iterdir()}
    assert {"SDG_knowledge_gaps%2Ffr.diff", "SDG_knowledge_gaps%2Ffr.wiki"} <= written
    assert not any(name.startswith("SDG_knowledge_gaps%2FSDG_13") for name in written)
