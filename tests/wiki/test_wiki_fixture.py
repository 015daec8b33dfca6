"""The test wiki itself: installed, reset between tests, and rendering item links as interwiki."""

import os

import pytest

pytestmark = pytest.mark.wiki


def test_the_pywikibot_dir_is_private_and_exported(wiki):
    assert os.environ["PYWIKIBOT_DIR"] == str(wiki.pywikibot_dir)
    assert (wiki.pywikibot_dir / "user-config.py").is_file()
    assert (wiki.pywikibot_dir / "user-password.py").stat().st_mode & 0o077 == 0


def test_a_human_edit_lands_and_item_links_are_interwiki_links(wiki):
    revid = wiki.edit("Scratch", "See [[:d:Q42|Q42]].")
    assert wiki.revid("Scratch") == revid
    assert wiki.text("Scratch") == "See [[:d:Q42|Q42]]."
    parsed = wiki.parse("Scratch")
    assert parsed["links"] == []  # not a (red) internal link
    assert [link["url"] for link in parsed["iwlinks"]] == ["https://www.wikidata.org/wiki/Q42"]
    assert 'href="https://www.wikidata.org/wiki/Q42"' in parsed["text"]


def test_each_test_starts_from_the_pristine_wiki(wiki):
    # Runs after the test above in the same worker or not at all there: either way, clean.
    assert not wiki.exists("Scratch")
    assert wiki.all_pages() == ["Main Page"]


def test_protection_and_configuration_overrides(wiki):
    wiki.edit("Locked", "text")
    wiki.protect("Locked")
    page = wiki.query(prop="info", inprop="protection", titles="Locked")["pages"][0]
    assert {p["type"]: p["level"] for p in page["protection"]}["edit"] == "sysop"
    wiki.configure("$wgMaxArticleSize = 64;")
    general = wiki.query(meta="siteinfo", siprop="general")["general"]
    assert general["maxarticlesize"] == 64 * 1024
