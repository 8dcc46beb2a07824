"""Catalog and user text reaches the terminal as plain text: never rich markup, never escapes.

A catalog whose titles look like markup (`Title [/x] brackets`, a `[link=...]` that would
make a terminal hyperlink to another site, `[id]` that rich would read as a style) is served
to every command that prints catalog or user text. The console is forced into terminal mode
(`FORCE_COLOR`), where interpreted markup would show as escape sequences: none may appear
but rich's own styling, and every title must be printed exactly as the catalog has it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.cli import main

BRACKETS = "Title [/x] brackets"
PHISH = "[link=https://evil.example/phish]Understanding LSTMs (official)[/link]"
STYLED = "Recurrent nets [bold red]shouting[/bold red] and [id] tags"
PAPER = "A study of [i]recurrent[/i] networks [rnn-paper]"
HYPERLINK = "\x1b]8;"  # OSC 8: what rich writes for [link=...] on a terminal
ESCAPE = re.compile(r"\x1b(?!\[[0-9;]*m)")  # any escape but colour/bold (SGR)

ENTRIES = [
    {"id": "brackets", "title": BRACKETS, "url": "https://example.org/rnn-intro"},
    {
        "id": "phish",
        "title": PHISH,
        "url": "https://colah.github.io/posts/2015-08-Understanding-LSTMs/",
    },
    {"id": "styled", "title": STYLED, "url": "https://example.org/styled"},
]


def catalog(path: Path) -> Path:
    resources = [
        {
            **entry,
            "kind": "blog",
            "topics": ["rnn"],
            "level": "beginner",
            "description": f"Recurrent neural networks and LSTMs, explained [b]simply[/b] ({n}).",
        }
        for n, entry in enumerate(ENTRIES)
    ]
    resources.append(
        {
            "id": "rnn-paper",
            "title": PAPER,
            "url": "https://arxiv.org/abs/1506.00019",
            "authors": ["Zachary [u]Lipton[/u]"],
            "year": 2015,
            "kind": "paper",
            "topics": ["rnn"],
            "level": "advanced",
            "description": (
                "A critical review of recurrent neural networks for sequence learning. "
                "It covers LSTMs [link=https://evil.example]and[/link] bidirectional networks."
            ),
            "prerequisites": ["brackets"],
        }
    )
    path.write_text(yaml.safe_dump({"version": 1, "resources": resources}), "utf-8")
    return path


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CATALOG_PATH", str(catalog(tmp_path / "catalog.yaml")))
    monkeypatch.setenv("CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'data' / 'db.sqlite'}")
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "400")
    return tmp_path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def plain_text(output: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", output)


def assert_inert(output: str) -> None:
    assert HYPERLINK not in output
    assert not ESCAPE.search(output), repr(output)


def test_every_command_prints_hostile_titles_as_they_are(
    hostile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for rid in ("brackets", "phish", "styled", "rnn-paper"):
        code, out, err = run(["read", rid, "--user", "9"], capsys)
        assert code == 0, err
        assert_inert(out)
    titles = (BRACKETS, PHISH, STYLED, PAPER)
    for argv in (
        ["list", "--user", "9"],
        ["progress", "--user", "9"],
        ["recommend", "recurrent", "networks", "-k", "10"],
        ["path", "rnn"],
        ["similar", "brackets"],
    ):
        code, out, err = run(argv, capsys)
        assert code == 0, (argv, err)
        assert_inert(out)
        shown = plain_text(out)
        expected = titles[:3] if argv[0] == "progress" else titles  # recent: newest 3
        missing = [t for t in expected if t not in shown and argv[0] != "similar"]
        assert missing == [], (argv, shown)
    code, out, err = run(["paper", "critical", "review", "recurrent"], capsys)
    assert code == 0, err
    assert_inert(out)
    shown = plain_text(out)
    assert PAPER in shown and "[rnn-paper]" in shown and "Zachary [u]Lipton[/u]" in shown
    assert "[link=https://evil.example]and[/link]" in shown


def test_control_characters_never_reach_the_terminal(
    hostile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sneaky = "lstm\x1b]0;pwned\x07\x1b[2J"
    for argv in (["read", sneaky, "--user", "9"], ["similar", sneaky], ["paper", sneaky]):
        code, out, err = run(argv, capsys)
        assert code != 0
        assert "\x1b" not in err and "\x07" not in err and "\x1b" not in out, (argv, err)
        assert err.startswith("deepread: ") and err.count("\n") == 1


def test_import_reports_hostile_titles_plainly(
    hostile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    curation = hostile / "curation.yaml"
    curation.write_text("version: 1\naliases: []\nentries: {}\ndrops: {}\n", "utf-8")
    listing = hostile / "awesome.md"
    listing.write_text(
        "## Links\n\n"
        "* [Evil \x1b]0;title\x07 [link=https://evil.example]x[/link]](javascript:alert(1))\n"
        "* [Repeat \x1b[31m red](https://example.org/a)\n"
        "* [Repeat \x1b[31m red](https://example.org/a)\n",
        "utf-8",
    )
    code, out, err = run(["catalog", "import", str(listing), "--curation", str(curation)], capsys)
    assert code == 0, err
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert "skipped" in out


def test_validate_rejects_titles_with_control_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = catalog(tmp_path / "catalog.yaml")
    data = yaml.safe_load(path.read_text("utf-8"))
    data["resources"][0]["title"] = "Innocent\x1b]8;;https://evil.example\x1b\\ title"
    data["resources"][1]["title"] = "Right\u202eto left"
    path.write_text(yaml.safe_dump(data), "utf-8")
    code, _, err = run(["catalog", "validate", str(path)], capsys)
    assert code == 1
    assert "brackets: title contains a control character (U+001B)" in err
    assert "phish: title contains a control character (U+202E)" in err
    assert "\x1b" not in err and "\u202e" not in err
