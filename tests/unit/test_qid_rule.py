"""One QID rule (``Q`` + ASCII digits, no leading zero) at every entry point that takes QIDs.

``Q0``, ``Q01`` and ``Q١٢`` (Arabic-Indic digits, which ``str.isdigit`` and ``\\d`` accept) are
refused the same way everywhere a person hands sdg-gaps a QID: the members file of
``--members``, an organizer's pinned list (``--itemsets``), the on-wiki ``items =`` field, and
the library's own check — each names the value, and none lets it through.
"""

from __future__ import annotations

import pytest

from bot.catalogue import load_catalogue
from bot.errors import ConfigError, InvalidQidError, SdgGapsError
from bot.ids import check_qid, is_qid
from bot.onwiki import parse_config
from bot.sources import files

BAD = ["Q0", "Q01", "Q١٢"]


@pytest.mark.parametrize("bad", BAD)
def test_the_rule_itself(bad):
    assert not is_qid(bad)
    with pytest.raises(InvalidQidError, match="not a Wikidata item id"):
        check_qid(bad)
    assert is_qid("Q42") and is_qid("Q10")


@pytest.mark.parametrize("bad", BAD)
def test_a_members_file_refuses_it_naming_the_row(bad, tmp_path):
    path = tmp_path / "members.csv"
    path.write_text(f"itemset,goal,qid\nmine,13,Q42\nmine,13,{bad}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        files.read_members(path)
    message = str(refused.value)
    assert "row 3" in message and "not a Wikidata item id" in message and bad in message
    assert "\n" not in message


@pytest.mark.parametrize("bad", BAD)
def test_an_organizers_pinned_list_refuses_it(bad, tmp_path):
    (tmp_path / "mine.txt").write_text(f"Q42\n{bad}\n", encoding="utf-8")
    (tmp_path / "mine.toml").write_text(
        '[[itemset]]\nid = "mine"\ngoal = 13\ntitle = "Mine"\npinned = "mine.txt"\n',
        encoding="utf-8")
    with pytest.raises(SdgGapsError) as refused:
        load_catalogue(snapshot=False, extra=[tmp_path / "mine.toml"])
    message = str(refused.value)
    assert bad in message and "\n" not in message


@pytest.mark.parametrize("bad", BAD)
def test_the_on_wiki_items_field_leaves_it_out_and_says_so(bad):
    page = parse_config("{{SDG gaps report\n| page = Project:X\n| items = Q42 " + bad
                        + "\n| items goal = 13\n}}")
    texts = [m.text for m in page.messages]
    assert any(bad in text and "not a Wikidata item" in text for text in texts), texts
    [report] = page.reports
    assert bad not in report.items and "Q42" in report.items
