"""The deployment samples name only options that exist, and name them right."""

import re
import shlex
from pathlib import Path

import pytest

from bot.cli import build_parser, split_pywikibot_args

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def commands(text: str) -> list[str]:
    """Every `.venv/bin/sdg-gaps …` command line in *text* (YAML folded blocks joined)."""
    text = re.sub(r">-\n((?:\s{4,}.*\n)+)", lambda m: " ".join(m.group(1).split()) + "\n", text)
    found = []
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        for match in re.finditer(r"\.venv/bin/sdg-gaps (.*?)(?:$| >>| &&| \|\|)", line):
            found.append(match.group(1))
    return found


@pytest.mark.parametrize("name, expected", [("toolforge-jobs.yaml", 2), ("crontab", 2)])
def test_every_sample_command_parses(name, expected):
    text = (SAMPLES / name).read_text(encoding="utf-8")
    found = commands(text)
    assert len(found) == expected, found
    for command in found:
        words = shlex.split(command.replace("$HOME", "/home/tool"))
        ours, theirs = split_pywikibot_args(words)
        args = build_parser().parse_args(ours)
        assert args.command in ("schedule", "history") and theirs == []
        if args.command == "schedule":
            assert args.config_page == "Project:SDG gaps/Config"
            assert str(args.history).endswith("sdg-gaps-data/history.sqlite")


def test_the_toolforge_jobs_are_well_formed():
    text = (SAMPLES / "toolforge-jobs.yaml").read_text(encoding="utf-8")
    jobs = re.split(r"\n- ", text.split("\n---\n", 1)[1])
    assert len(jobs) == 3
    for job in jobs:
        keys = {line.strip().removeprefix("- ").split(":", 1)[0] for line in job.splitlines()
                if re.match(r"^(- )?\s*[a-z-]+:", line)}
        assert {"name", "image", "command", "emails"} <= keys, job
        assert keys <= {"name", "image", "command", "schedule", "emails", "wait",
                        "filelog-stdout", "filelog-stderr"}, keys
    assert 'schedule: "@daily"' in text and "image: python3.11" in text


def test_the_crontab_lines_have_five_time_fields():
    lines = [line for line in (SAMPLES / "crontab").read_text().splitlines()
             if line and not line.startswith("#") and "=" not in line.split()[0]]
    assert len(lines) == 2
    for line in lines:
        fields = line.split()
        assert all(re.fullmatch(r"[\d*/,-]+", f) for f in fields[:5]), line
        assert fields[5] == "cd"
