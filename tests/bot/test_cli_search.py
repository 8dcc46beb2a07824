"""`deepread recommend|paper|ask|similar|path`: JSON contracts and friendly errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.recommender.conftest import FIXTURE_CATALOG

RESULT_KEYS = {
    "id",
    "title",
    "url",
    "link",
    "kind",
    "level",
    "topics",
    "authors",
    "authors_complete",
    "year",
    "origin",
    "historical",
    "score",
    "why",
}


@pytest.fixture(autouse=True)
def fixture_catalog(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CATALOG_PATH", str(FIXTURE_CATALOG))
    monkeypatch.setenv("CACHE_DIR", str(tmp_path / "cache"))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 1), out, err


def test_recommend_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "recommend", "rnn", "beginner", "-k", "3", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"query", "level", "kind", "results"}
    assert (data["query"], data["level"], data["kind"]) == ("rnn beginner", "beginner", None)
    assert len(data["results"]) == 3
    for item in data["results"]:
        assert set(item) == RESULT_KEYS
        assert isinstance(item["score"], float) and isinstance(item["why"], str)
    assert data["results"][0]["id"] == "karpathy-unreasonable-rnn"


def test_recommend_options(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "recommend", "networks", "--kind", "paper", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["kind"] == "paper"
    assert {r["kind"] for r in data["results"]} == {"paper"}
    code, _, err = run(capsys, "recommend", "rnn", "--level", "expert")
    assert code == 2 and "unknown level" in err


def test_paper_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "paper", "dropout", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"query", "match", "suggestions"}
    match = data["match"]
    assert set(match) == RESULT_KEYS | {"summary", "related"}
    assert match["id"] == "dropout-srivastava-2014"
    assert match["summary"] and len(match["related"]) == 3
    assert data["suggestions"] == []


def test_paper_no_match_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "paper", "Reinforcement", "Learning:", "An", "Intro", "duction", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["match"] is None
    assert data["suggestions"][0] == {
        "id": "sutton-barto-rl-book",
        "title": "Reinforcement Learning: An Introduction",
    }
    code, out, _ = run(capsys, "paper", "Reinforcement", "Learning:", "An", "Intro", "duction")
    assert "Did you mean" in out


def test_ask_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "how", "do", "lstms", "work", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"question", "answers"}
    assert data["answers"]
    for answer in data["answers"]:
        assert set(answer) == {"text", "resource", "score"}
        assert set(answer["resource"]) == {"id", "title", "url"}
    code, out, _ = run(capsys, "ask", "capital", "of", "burkina", "faso")
    assert code == 0 and "I don't know" in out


def test_similar_and_path(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "similar", "cs231n", "--json")
    assert code == 0 and json.loads(out)["results"]
    code, _, err = run(capsys, "similar", "no-such-thing")
    assert code == 2 and "no resource with id" in err
    code, out, _ = run(capsys, "path", "rnn", "--json")
    data = json.loads(out)
    assert code == 0 and data["topic_slug"] == "rnn" and data["steps"]
    code, out, _ = run(capsys, "path", "rnn")
    assert "Learning path" in out


def test_human_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "recommend", "rnn")
    assert code == 0 and "Unreasonable" in out
    code, out, _ = run(capsys, "paper", "dropout")
    assert code == 0 and "Srivastava" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["recommend", ""], "empty"),
        (["recommend", "   "], "empty"),
        (["recommend", "x" * 5000], "too long"),
        (["paper", "🎉🤖"], "no words"),
        (["ask", "what\x1bis"], "control characters"),
        (["path", "\t"], "empty"),
        (["recommend", "rnn", "-k", "0"], "-k"),
    ],
)
def test_bad_input_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err + out


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["recommend", "sourdough", "bread", "recipe"], "Nothing in the catalog on “sourdough"),
        (["paper", "tax", "law"], "nothing in the catalog on “tax law” yet"),
        (["path", "tax", "law"], "nothing in the catalog on “tax law” yet"),
        (["ask", "how", "do", "i", "file", "taxes"], "nothing in the catalog on"),
    ],
)
def test_what_the_catalog_lacks_is_said_plainly(
    capsys: pytest.CaptureFixture[str], args: list[str], shown: str
) -> None:
    code, out, _ = run(capsys, *args)
    assert code == 0 and shown in out


def test_json_tells_seed_from_curated_and_shows_the_link(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "recommend", "rnn", "--json")
    assert code == 0
    for item in json.loads(out)["results"]:
        assert item["origin"] in ("seed", "curated")
        assert item["link"] in (item["url"], None) or item["link"].startswith("http")
