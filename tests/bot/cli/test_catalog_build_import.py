"""`deepread catalog build` and `deepread catalog import` from the command line."""
# ruff: noqa: E501  (test documents keep the long lines of the real sources)

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli import main
from recommender.catalog import default_catalog_path, load_catalog
from recommender.ingest.build import default_curation_path, default_sources_dir


def run(argv: list[str]) -> int:
    try:
        main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


@pytest.fixture
def curation_copy(tmp_path: Path) -> Path:
    target = tmp_path / "curation.yaml"
    shutil.copy(default_curation_path(), target)
    return target


def test_build_writes_the_committed_catalog(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "catalog.yaml"
    assert run(["catalog", "build", "--output", str(out)]) == 0
    assert out.read_text("utf-8") == default_catalog_path().read_text("utf-8")
    assert "resources from" in capsys.readouterr().out
    assert run(["catalog", "build", "--output", str(out), "--check"]) == 0
    out.write_text(out.read_text("utf-8") + "# edited\n", "utf-8")
    assert run(["catalog", "build", "--output", str(out), "--check"]) == 1


def test_build_with_missing_sources_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(
        [
            "catalog",
            "build",
            "--sources",
            str(tmp_path / "nope"),
            "--output",
            str(tmp_path / "c.yaml"),
        ]
    )
    assert code == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("deepread:") and "\n" not in err


def test_build_rejects_a_broken_curation_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "curation.yaml"
    bad.write_text("entries:\n  x:\n    colour: red\n", "utf-8")
    code = run(["catalog", "build", "--curation", str(bad), "--output", str(tmp_path / "c.yaml")])
    assert code == 1
    assert "colour" in capsys.readouterr().err


def test_build_rejects_fixes_for_unknown_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "curation.yaml"
    bad.write_text(
        "version: 1\naliases: []\ndrops: {}\nentries:\n  no-such-resource:\n    level: beginner\n",
        "utf-8",
    )
    code = run(["catalog", "build", "--curation", str(bad), "--output", str(tmp_path / "c.yaml")])
    assert code == 1
    assert "no-such-resource" in capsys.readouterr().err


def test_import_then_build_includes_the_new_entries(
    tmp_path: Path, curation_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listing = tmp_path / "awesome.md"
    listing.write_text(
        "# Awesome\n\n## Courses\n\n"
        "* [Neural Networks and Deep Learning](http://neuralnetworksanddeeplearning.com/) - Nielsen\n"
        "* [fast.ai](https://www.fast.ai/) - Practical Deep Learning for Coders.\n"
        "* [fast.ai](https://www.fast.ai/)\n"
        "* [broken](not a url)\n",
        "utf-8",
    )
    code = run(["catalog", "import", str(listing), "--curation", str(curation_copy), "--json"])
    assert code == 0
    out = capsys.readouterr().out
    assert '"fast-ai"' in out and '"neural-networks-and-deep-learning"' in out
    catalog_out = tmp_path / "catalog.yaml"
    assert (
        run(["catalog", "build", "--curation", str(curation_copy), "--output", str(catalog_out)])
        == 0
    )
    catalog = load_catalog(catalog_out)
    fast = catalog.by_id("fast-ai")
    assert fast is not None and fast.url == "https://www.fast.ai/"
    nielsen = catalog.by_id("neural-networks-and-deep-learning")
    assert nielsen is not None
    assert "awesome.md" in {s.document for s in nielsen.sources}
    assert len(catalog) == len(load_catalog(default_catalog_path())) + 1


@pytest.mark.parametrize("content", [None, b"\xff\xfe\x00binary", "just prose, no links\n"])
def test_import_unreadable_input_exits_non_zero_with_one_line(
    tmp_path: Path, curation_copy: Path, capsys: pytest.CaptureFixture[str], content: object
) -> None:
    target = tmp_path / "list.md"
    if isinstance(content, bytes):
        target.write_bytes(content)
    elif isinstance(content, str):
        target.write_text(content, "utf-8")
    before = curation_copy.read_text("utf-8")
    assert run(["catalog", "import", str(target), "--curation", str(curation_copy)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("deepread:") and "\n" not in err
    assert curation_copy.read_text("utf-8") == before


def test_sources_dir_default_exists() -> None:
    assert (default_sources_dir() / "dl-resources-page-v2.md").exists()
