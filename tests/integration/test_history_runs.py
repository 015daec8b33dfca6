"""The history across whole runs: `sdg-gaps run` twice on changing snapshot data, then
`sdg-gaps history` lists the runs and their trend (no wiki needed).
"""

import csv
from types import SimpleNamespace

from tests.derived_snapshot import derive


def cli(capsys, *args):
    """`sdg-gaps ARGS` in this process (as a subprocess would run it, minus the start-up)."""
    from bot.cli import main

    code = main(list(args))
    out, err = capsys.readouterr()
    return SimpleNamespace(returncode=code, stdout=out, stderr=err)


def test_run_twice_on_changing_data_then_history_lists_and_trends(tmp_path, capsys):
    from tests.derived_snapshot import choose

    fr = choose({"fr": 3})["fr"]
    one = derive(tmp_path / "s1", [(q, "fr") for q in fr])
    two = derive(tmp_path / "s2", [(fr[0], "fr")])
    history = tmp_path / "h.sqlite"
    common = ["--goals", "15", "--languages", "fr,de", "--quiet", "--history", str(history)]
    done = cli(capsys, "run", *common, "--snapshot", str(one), "--out", str(tmp_path / "r1"))
    assert done.returncode == 0, done.stderr
    assert f"recorded in {history} (series cli)" in done.stdout
    done = cli(capsys, "run", *common, "--snapshot", str(two), "--out", str(tmp_path / "r2"))
    assert done.returncode == 0, done.stderr
    with open(tmp_path / "r2" / "changes.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert sorted((r["change"], r["qid"], r["wiki"]) for r in rows) == sorted(
        ("closed", q, "frwiki") for q in fr[1:])
    assert (tmp_path / "r2" / "trend.png").stat().st_size > 1000
    page = (tmp_path / "r2" / "wikitext" / "lang-fr.wiki").read_text(encoding="utf-8")
    assert "=== Since the last run ===" in page
    assert all(f"https://www.wikidata.org/wiki/{q} {q}]" in page for q in fr[1:])
    first = (tmp_path / "r1" / "wikitext" / "lang-fr.wiki").read_text(encoding="utf-8")
    assert "first run of this report" in first
    # --no-history: no section, nothing recorded
    done = cli(capsys, "run", *common, "--snapshot", str(two), "--out", str(tmp_path / "r3"),
               "--no-history")
    assert done.returncode == 0 and "Since the last run" not in (
        tmp_path / "r3" / "wikitext" / "lang-fr.wiki").read_text(encoding="utf-8")

    listed = cli(capsys, "history", "--history", str(history))
    assert listed.returncode == 0 and "2 run(s)" in listed.stdout
    trend = cli(capsys, "history", "--history", str(history), "--goal", "15", "--language", "fr",
                "--chart", str(tmp_path / "t.png"))
    assert trend.returncode == 0, trend.stderr
    lines = [line.split() for line in trend.stdout.splitlines()[1:3]]
    assert [line[3] for line in lines] == ["fr", "fr"] and lines[1][-1] == "+2.27"
    assert (tmp_path / "t.png").exists()
    assert cli(capsys, "history", "--history", str(history), "--check").returncode == 0
    pruned = cli(capsys, "history", "--history", str(history), "--prune", "1")
    assert "removed 1 run(s); 1 kept" in pruned.stdout
    missing = cli(capsys, "history", "--history", str(tmp_path / "none.sqlite"))
    assert missing.returncode == 2 and "no history at" in missing.stderr
