"""The BibTeX catalogue: parsing, matching titles, and its effect on resolution."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.graph.resolution import resolve
from kg.notes.bib import Catalogue, clean_latex, load_catalogue, parse_catalogue
from kg.notes.records import Extraction, Mention, Post

REFS = Path(__file__).parent / "data" / "refs.bib"


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return load_catalogue(REFS)


def test_entries_are_cleaned_and_venues_normalised(cat) -> None:
    by_key = {e.key: e for e in cat.entries}
    assert sorted(by_key) == [
        "banner2019post",
        "frankle2019lottery",
        "liu2018rethinking",
        "velickovic2018graph",
        "wang2020pruning",
    ]
    e = by_key["wang2020pruning"]
    assert (e.title, e.venue, e.year) == ("Pruning from Scratch", "AAAI", 2020)
    assert e.authors[:2] == ("Yulong Wang", "Xiaolu Zhang")
    assert e.ids == {"doi": "10.1609/aaai.v34i07.6910"}
    assert e.url == "https://doi.org/10.1609/aaai.v34i07.6910"
    assert by_key["banner2019post"].venue == "NeurIPS"  # Advances in Neural Information ...
    rethinking = by_key["liu2018rethinking"]
    assert (rethinking.venue, rethinking.ids) == ("arXiv", {"arxiv": "1810.05270"})
    # LaTeX accents folded, "and others" dropped
    assert by_key["velickovic2018graph"].authors == ("Petar Velickovic", "Guillem Cucurull")


def test_bad_entries_become_one_line_warnings(cat) -> None:
    assert cat.warnings == [
        f"{REFS.as_posix()}:31: entry 'notitle2020' has no title; left out",
        f"{REFS.as_posix()}:36: BibTeX entry does not parse; left out",
    ]


def test_match_rules(cat) -> None:
    assert cat.match("PRUNING FROM SCRATCH").key == "wang2020pruning"
    # typos of the seed post
    seed = "Post trainning 4-bit quentization of concolutional networks for rapid-deployment"
    assert cat.match(seed).key == "banner2019post"
    # the title without its subtitle (and without its leading article)
    assert cat.match("Lottery Ticket Hypothesis").key == "frankle2019lottery"
    # the title with a subtitle the entry lacks
    assert cat.match("Graph Attention Networks: a note").key == "velickovic2018graph"
    # a longer, different title does not match
    assert cat.match("Graph Attention Networks for Graph Classification") is None
    assert cat.match("") is None


def test_missing_file_is_one_line_error(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match=r"nope.bib: no such BibTeX file"):
        load_catalogue(tmp_path / "nope.bib")


def test_unknown_venue_keeps_its_text() -> None:
    cat = parse_catalogue(
        "@inproceedings{k, title={T title here}, booktitle={Some Local Workshop on Things},"
        " year={2021}}"
    )
    (e,) = cat.entries
    assert (e.venue, e.workshop, e.year) == ("Some Local Workshop on Things", True, 2021)


def test_clean_latex() -> None:
    assert clean_latex(r"{Deep} \textbf{Learning}~on \'{e}t\'e") == "Deep Learning on ete"


def test_catalogue_gives_resolution_canonical_metadata(cat) -> None:
    def ext(path: str, *labels: tuple[str, dict]) -> Extraction:
        ms = [Mention(i, "paper", lab, i + 1, **kw) for i, (lab, kw) in enumerate(labels)]
        return Extraction(Post(path, path), ms)

    res = resolve(
        [
            ext("a.md", ("Lottery Ticket Hypothesis", {})),
            ext(
                "b.md",
                ("The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks", {}),
                ("Post trainning 4-bit quentization of concolutional networks", {}),
                ("Pruning from Scratch", {"venue": "arXiv", "year": 2019}),
                ("An unlisted paper title", {"venue": "ICML", "year": 2020}),
            ),
        ],
        catalogue=cat,
    )
    ents = {e.bib_key: e for e in res.entities.values()}
    lottery = ents["frankle2019lottery"]
    assert (
        lottery.id == "paper:the-lottery-ticket-hypothesis-finding-sparse-trainable-neural-networks"
    )
    assert lottery.label.startswith("The Lottery Ticket Hypothesis: Finding")
    assert "Lottery Ticket Hypothesis" in lottery.aliases
    assert (lottery.venue, lottery.year, lottery.authors[0]) == ("ICLR", 2019, "Jonathan Frankle")
    assert [s["path"] for s in lottery.sources] == ["a.md", "b.md"]
    # the catalogue's venue comes first; the note's arXiv version is kept as another edge
    pruning = ents["wang2020pruning"]
    assert (pruning.venue, pruning.year) == ("AAAI", 2020)
    assert pruning.venues == [("AAAI", 2020, False), ("arXiv", 2019, False)]
    assert pruning.attributes()["bib_key"] == "wang2020pruning"
    # typos plus a cut-off title (no "for Rapid-Deployment") are too far from the entry
    assert ents[None].label == "An unlisted paper title"
    assert "banner2019post" not in ents
