"""arXiv's export API answer (an Atom feed) as `FetchedDetails`.

The feed is parsed with defusedxml: an answer is untrusted bytes, and an entity-expansion
bomb must fail as "could not read", not eat the bot's memory.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from recommender.fetched.details import FetchedDetails, details
from recommender.fetched.identifiers import arxiv_id

_NS = {"atom": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom"}


def parse_arxiv_atom(data: bytes | str) -> FetchedDetails | None:
    """The first entry of an arXiv Atom feed, or None when the feed holds no paper.

    arXiv answers an unknown id with a feed whose only entry is an "Error" entry (its id is
    `http://arxiv.org/api/errors#...`): that is no paper either.
    """
    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        return None
    entry = root.find("atom:entry", _NS) if root.tag == f"{{{_NS['atom']}}}feed" else None
    if entry is None:
        return None
    entry_id = _text(entry, "atom:id") or ""
    found_id = arxiv_id(entry_id)
    title = _text(entry, "atom:title")
    if found_id is None or not title or title.strip().lower() == "error":
        return None
    authors = [_text(a, "atom:name") for a in entry.findall("atom:author", _NS)]
    doi = _text(entry, "arxiv:doi")
    return details(
        title=title,
        authors=[a for a in authors if a],
        year=_text(entry, "atom:published"),
        description=_text(entry, "atom:summary"),
        url=f"https://arxiv.org/abs/{found_id}",
        doi=doi.strip() if doi else None,
        arxiv_id=found_id,
        kind="paper",
    )


def _text(element: Element, path: str) -> str | None:
    found = element.find(path, _NS)
    return found.text if found is not None and found.text else None
