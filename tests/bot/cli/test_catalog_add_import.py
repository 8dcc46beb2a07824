"""`deepread catalog add LINK` and `deepread catalog import` of BibTeX and CSL-JSON files.

Both write new entries to the curation file (as the awesome-list import does), answer with
what was added, merged and skipped, and `catalog build` then includes the new entries.
`catalog add` fetches through the one fetcher, pointed at the local fake web by settings.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bot.cli import main
from recommender.catalog import default_catalog_path, load_catalog
from recommender.ingest.build import default_curation_path
from tests.fake_web import fake_web_in_thread

BIB = r"""
@article{vaswani2017attention,
  title  = {{Attention Is All You Need}},
  author = {Vaswani, Ashish and Shazeer, Noam},
  eprint = {1706.03762v5},
  archivePrefix = {arXiv},
  year   = {2017}
}
@inproceedings{newpaper2024,
  title  = {Quokka Attention: {Sparse} Heads for Small Models},
  author = {Lovelace, Ada and Turing, Alan},
  year   = {2024},
  doi    = {10.5555/quokka.2024},
  abstract = {We prune attention heads of small models.}
}
@misc{bad, title={Only a javascript link}, url={javascript:alert(1)}}
@article{again, title={Quokka attention: sparse heads for small models}, doi={10.5555/QUOKKA.2024}}
"""

CSL = [
    {
        "type": "book",
        "title": "Neural Networks and Deep Learning",
        "URL": "http://neuralnetworksanddeeplearning.com/",
        "author": [{"family": "Nielsen", "given": "Michael"}],
        "issued": {"date-parts": [[2015]]},
    },
    {
        "type": "article-journal",
        "title": "Generative Adversarial Nets",
        "URL": "https://arxiv.org/abs/1406.2661v1",
        "author": [{"family": "Goodfellow", "given": "Ian"}],
        "issued": {"date-parts": [[2014]]},
    },
    {
        "type": "webpage",
        "title": "Wombat Embeddings Explained",
        "URL": "https://example.org/wombat-embeddings",
        "author": [{"literal": "Jay Wombat"}],
        "issued": {"date-parts": [[2025, 1, 2]]},
    },
]


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


def built(tmp_path: Path, curation: Path) -> dict[str, object]:
    out = tmp_path / "catalog.yaml"
    assert run(["catalog", "build", "--curation", str(curation), "--output", str(out)]) == 0
    return {r.id: r for r in load_catalog(out)}


def test_import_bibtex_adds_merges_and_skips(
    tmp_path: Path, curation_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refs = tmp_path / "refs.bib"
    refs.write_text(BIB, "utf-8")
    assert run(["catalog", "import", str(refs), "--curation", str(curation_copy), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["added"] == ["quokka-attention-sparse-heads-for-small-models"]
    # a curated entry is skipped (its sources live in the curated file); so are the
    # javascript: link and the repeat by DOI
    assert report["merged"] == []
    assert len(report["skipped"]) == 3
    assert "already in the catalog as attention-is-all-you-need" in report["skipped"][0]
    catalog = built(tmp_path, curation_copy)
    new = catalog["quokka-attention-sparse-heads-for-small-models"]
    assert new.authors == ("Ada Lovelace", "Alan Turing")  # type: ignore[attr-defined]
    assert new.url == "https://doi.org/10.5555/quokka.2024"  # type: ignore[attr-defined]
    assert len(catalog) == len(load_catalog(default_catalog_path())) + 1


def test_import_csl_json_from_zotero(
    tmp_path: Path, curation_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refs = tmp_path / "zotero.json"
    refs.write_text(json.dumps(CSL), "utf-8")
    assert run(["catalog", "import", str(refs), "--curation", str(curation_copy)]) == 0
    out = capsys.readouterr().out
    assert "added 1, merged 1, skipped 1" in out
    assert "merged  neural-networks-and-deep-learning" in out
    assert "already in the catalog as generative-adversarial-nets" in out
    catalog = built(tmp_path, curation_copy)
    nielsen = catalog["neural-networks-and-deep-learning"]
    assert "zotero.json" in {s.document for s in nielsen.sources}  # type: ignore[attr-defined]
    wombat = catalog["wombat-embeddings-explained"]
    assert wombat.year == 2025 and wombat.kind == "website"  # type: ignore[attr-defined]


@pytest.mark.parametrize(("name", "content"), [("x.bib", "not bibtex"), ("x.json", "{oops")])
def test_import_of_a_file_without_entries_writes_nothing(
    tmp_path: Path, curation_copy: Path, capsys: pytest.CaptureFixture[str], name: str, content: str
) -> None:
    target = tmp_path / name
    target.write_text(content, "utf-8")
    before = curation_copy.read_text("utf-8")
    assert run(["catalog", "import", str(target), "--curation", str(curation_copy)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("deepread:") and "\n" not in err
    assert curation_copy.read_text("utf-8") == before


@pytest.fixture
def fake_web(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with fake_web_in_thread() as base:
        parts = urlsplit(base)
        monkeypatch.setenv("FETCH_ALLOWED_ORIGINS", f"{parts.hostname}:{parts.port}")
        monkeypatch.setenv("ARXIV_API_URL", base + "/api/query?id_list={id}")
        monkeypatch.setenv("CROSSREF_API_URL", base + "/works/{doi}")
        monkeypatch.setenv("FETCH_TIMEOUT_S", "2")
        yield base


def test_add_fetches_an_arxiv_id_into_the_curation(
    tmp_path: Path, curation_copy: Path, fake_web: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["catalog", "add", "2401.00001", "--level", "beginner", "--topic", "rnn"]
    assert run([*argv, "--curation", str(curation_copy), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    [rid] = report["added"]
    catalog = built(tmp_path, curation_copy)
    new = catalog[rid]
    assert new.title == "Sparse Mixture of Experts for Recurrent Language Models"  # type: ignore[attr-defined]
    assert new.level == "beginner" and new.topics == ("rnn",)  # type: ignore[attr-defined]
    assert new.url == "https://arxiv.org/abs/2401.00001"  # type: ignore[attr-defined]
    capsys.readouterr()
    # the same paper again, by its pdf link: merged, not added twice
    again = ["catalog", "add", "https://arxiv.org/pdf/2401.00001v2", "--json"]
    assert run([*again, "--curation", str(curation_copy)]) == 0
    assert json.loads(capsys.readouterr().out)["merged"] == [rid]


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ("javascript:alert(1)", "only http(s) links"),
        ("http://169.254.169.254/latest/", "private network"),
        ("/huge", "too large"),
    ],
)
def test_add_refuses_what_it_cannot_fetch_and_writes_nothing(
    curation_copy: Path, fake_web: str, capsys: pytest.CaptureFixture[str], link: str, message: str
) -> None:
    target = fake_web + link if link.startswith("/") else link
    before = curation_copy.read_text("utf-8")
    assert run(["catalog", "add", target, "--curation", str(curation_copy)]) != 0
    err = capsys.readouterr().err.strip()
    assert err.startswith("deepread:") and message in err and "\n" not in err
    assert curation_copy.read_text("utf-8") == before


def test_add_checks_level_and_topics(
    curation_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["catalog", "add", "2401.00001", "--topic", "sourdough"]
    assert run([*argv, "--curation", str(curation_copy)]) == 2
    assert "unknown topic" in capsys.readouterr().err
