"""References done right: years, venue spellings, author lines, citations, captions, footnotes.

Every input here is written for these tests (no corpus text); each case is one class of
reference line seen in real notes.
"""

from __future__ import annotations

import pytest

from kg.notes.extraction import extract
from kg.notes.parse import parse_text
from kg.notes.venues import arxiv_year, expand_year, find_year, normalize_venue, plausible_year


def _papers(text: str) -> dict[str, tuple]:
    ex = extract(parse_text(text, "refs.md"))
    return {m.label: (m.venue, m.year) for m in ex.mentions if m.type == "paper"}


# --------------------------------------------------------------------------- years


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("arXiv preprint arXiv:2103.11122 (2021)", 2021),
        ("arXiv:2103.11122", None),  # the id alone gives no written year
        ("Journal of Toy Models 41, no. 7 (2008): 1301-1317", 2008),
        ("In Proc. of the Workshop, pp. 1988-1996. Publisher, 2015.", 2015),
        ("doi:10.1234/2011.56789, 2013", 2013),
        ("page 2087", None),
        ("in the year 2199", None),  # outside the plausible range
    ],
)
def test_find_year_skips_ids_volumes_and_pages(text: str, year) -> None:
    assert find_year(text, last=True) == year


def test_years_outside_the_plausible_range_are_no_years() -> None:
    assert not plausible_year(1904) and not plausible_year(2044) and plausible_year(1998)
    assert expand_year("41") is None  # "JTM 41" is a volume, not 2041
    assert expand_year("'21") == 2021 and expand_year("98") == 1998


@pytest.mark.parametrize(
    ("arxiv", "year"),
    [("2103.11122", 2021), ("0911.0301", 2009), ("math/0211159", 2002), ("1713.00001", None)],
)
def test_arxiv_year(arxiv: str, year) -> None:
    assert arxiv_year(arxiv) == year


def test_paper_year_comes_from_the_arxiv_id_not_its_digits() -> None:
    papers = _papers(
        "- [Sparse Mixtures of Tiny Experts](https://arxiv.org/abs/2103.11122)\n"
        '- R. Roe. "Counting Leaves with Graph Kernels." arXiv preprint arXiv:1907.05511.\n'
    )
    assert papers["Sparse Mixtures of Tiny Experts"] == (None, 2021)
    assert papers["Counting Leaves with Graph Kernels"] == ("arXiv", 2019)


def test_volume_numbers_never_become_years() -> None:
    papers = _papers(
        '- T. Doe, "Layered Codes for Noisy Pictures," IEEE Trans. PAMI, 41, no. 7 (2008).\n'
        "- Small Kernels for Sound. P. Poe. IEEE T PATTERN ANAL 33, 2011\n"
    )
    assert papers["Layered Codes for Noisy Pictures"] == ("TPAMI", 2008)
    assert papers["Small Kernels for Sound"] == ("TPAMI", 2011)


# --------------------------------------------------------------------------- venues


@pytest.mark.parametrize(
    ("text", "name", "year"),
    [
        ("arXiv preprint arXiv:2103.11122", "arXiv", None),
        ("CoRR abs/2103.11122", "arXiv", None),
        ("Proc. 30th Int. Conf. Machine Learning (ICML), 2013", "ICML", 2013),
        ("Proceedings of the 2020 Conference on Empirical Methods in NLP (EMNLP)", "EMNLP", 2020),
        ("IEEE T MULTIMEDIA 2021", "TMM", 2021),
        ("IEEE Trans. Image Process. 2017", "TIP", 2017),
        ("Int. J. Comput. Vis. 2012", "IJCV", 2012),
    ],
)
def test_venue_spellings(text: str, name: str, year) -> None:
    v = normalize_venue(text, slot=True)
    assert v is not None and (v.name, v.year) == (name, year)


def test_a_parenthesised_acronym_needs_a_proceedings_name() -> None:
    assert normalize_venue("Graph Toys (ICML)") is None


def test_a_date_gives_a_known_venue_its_year_but_makes_no_unknown_venue() -> None:
    assert normalize_venue("CVPR 2016-04-22", slot=True).year == 2016
    assert normalize_venue("HEAD, 2022-05-26", slot=True) is None


def test_reference_venue_forms_in_notes() -> None:
    papers = _papers(
        '1. J. Poe. "Pooling Sets of Points." Proc. 30th Int. Conf. Machine Learning (ICML), 2013.\n'
        '2. K. Koe. "Parsing Spans Quickly." In Proceedings of the 2020 Conference on Empirical '
        "Methods in Natural Language Processing (EMNLP), 2020.\n"
        "3. Saliency for Short Clips, IEEE T MULTIMEDIA 2021\n"
    )
    assert papers["Pooling Sets of Points"] == ("ICML", 2013)
    assert papers["Parsing Spans Quickly"] == ("EMNLP", 2020)
    assert papers["Saliency for Short Clips"] == ("TMM", 2021)


# --------------------------------------------------------------------------- two-line entries


def test_author_sub_item_gives_venue_and_is_no_paper() -> None:
    text = (
        "## Detection\n"
        "- Boxes Without Anchors for Tiny Objects [[paper](https://example.org/boxes.pdf)]\n"
        "  - Q. Quinn, R. Rossi --ECCV 2020\n"
        "- Counting Cells with Point Supervision [[paper](https://arxiv.org/abs/2007.01234)]\n"
        "  - S. Sato, T. Tanaka, U. Ueda — MICCAI 2021\n"
    )
    ex = extract(parse_text(text, "list.md"))
    papers = [m for m in ex.mentions if m.type == "paper"]
    assert [(m.label, m.venue, m.year) for m in papers] == [
        ("Boxes Without Anchors for Tiny Objects", "ECCV", 2020),
        ("Counting Cells with Point Supervision", "MICCAI", 2021),
    ]
    assert papers[0].authors == ["Q. Quinn", "R. Rossi"]
    assert not any("Quinn" in m.label or "Sato" in m.label for m in ex.mentions)


def test_author_line_on_its_own_is_not_a_paper() -> None:
    assert _papers("- Q. Quinn, R. Rossi -- ECCV 2020\n") == {}


def test_authors_before_the_title_are_split_off() -> None:
    ex = extract(
        parse_text(
            "- V. Vega, W. Wu, and X. Xu. Learning to Stack Blocks from Pixels. CoRL 2019.\n"
            "- Yoon et al. [Planning with Learned Maps](https://arxiv.org/abs/2002.03333). "
            "ICLR 2021.\n",
            "r.md",
        )
    )
    papers = {m.label: m for m in ex.mentions if m.type == "paper"}
    assert set(papers) == {"Learning to Stack Blocks from Pixels", "Planning with Learned Maps"}
    assert papers["Learning to Stack Blocks from Pixels"].authors == ["V. Vega", "W. Wu", "X. Xu"]
    assert (papers["Planning with Learned Maps"].venue, papers["Planning with Learned Maps"].year) == (
        "ICLR",
        2021,
    )


# --------------------------------------------------------------------------- not papers


@pytest.mark.parametrize(
    "line",
    [
        "Okafor et al. (2019)",
        "Lindqvist, et al., 2016",
        "Moreau and Bach (2020)",
        "[Updated on 2021-03-02: added a part on sampling]",
        "Figure 4. Accuracy of the toy model on five tasks.",
        "Table 2: Results on the held-out split",
        "Note that this only holds for a single batch of examples.",
        "[recent work](https://arxiv.org/abs/2001.00001) shows this too",
        "**Designing Toy Systems: Frameworks and Strategies.** Many people now use "
        "[toy frameworks](https://x.org/a) to build programs out of many model calls.",
        "[arXiv:2001.00001](https://arxiv.org/abs/2001.00001), 2020",
        "**Learn more here: [paper](https://arxiv.org/abs/2001.00001)**",
        "*31st Conference on Neural Information Processing Systems (NeurIPS 2017).*",
        "[Technical description of LLS](https://arxiv.org/abs/1812.05905)",
        "**Large amounts of diverse data.** [Recent](https://arxiv.org/abs/2005.14165) [work]"
        "(https://x.org/clip) has shown the value of large models.",
    ],
)
def test_citations_captions_notices_and_prose_are_not_papers(line: str) -> None:
    text = f"- Graph Kernels for Leaves. ICML 2019.\n- {line}\n- Sets of Sets. NeurIPS 2018.\n"
    papers = _papers(text)
    assert set(papers) == {"Graph Kernels for Leaves", "Sets of Sets"}, papers


def test_footnote_references_are_read() -> None:
    papers = _papers(
        "Some text[^1] and more[^ode].\n\n"
        "[^1]: [Continuous Flows for Toy Data](https://arxiv.org/abs/1806.01234)\n"
        "[^ode]: A. Author. Stiff Solvers Revisited. NeurIPS 2020.\n"
    )
    assert papers["Continuous Flows for Toy Data"] == (None, 2018)
    assert papers["Stiff Solvers Revisited"] == ("NeurIPS", 2020)


def test_citations_name_the_numbered_reference_of_the_same_note() -> None:
    ex = extract(
        parse_text(
            "As Okafor et al. (2019) found, and (Moreau, 2021) confirmed; Ngata et al. (2010)\n"
            "is not in the list.\n\n## References\n"
            "1. T. Okafor, U. Uche. Counting Leaves with Graph Kernels. ICML 2019.\n"
            "2. V. Moreau. Sets of Sets for Toys. NeurIPS 2021.\n",
            "cite.md",
        )
    )
    papers = [(m.label, m.line) for m in ex.mentions if m.type == "paper"]
    assert papers == [
        ("Counting Leaves with Graph Kernels", 5),
        ("Sets of Sets for Toys", 6),
        ("Counting Leaves with Graph Kernels", 1),  # the citation's line names the reference
        ("Sets of Sets for Toys", 1),
    ]
    assert not any("et al" in label or "Ngata" in label for label, _ in papers)


def test_a_short_remark_in_brackets_is_not_part_of_the_title() -> None:
    papers = _papers("- [ICLR 2021] [has code] Sparse Sets of Toy Graphs\n")
    assert papers == {"Sparse Sets of Toy Graphs": ("ICLR", 2021)}


def test_two_letter_acronyms_are_venues_only_when_known() -> None:
    assert normalize_venue("IV 2020", slot=True).name == "IV"
    assert normalize_venue("AI 2015", slot=True) is None
    assert normalize_venue("MICAI 2020", slot=True).kind == "unknown"


def test_a_bold_term_with_its_definition_is_not_a_paper() -> None:
    papers = _papers(
        "- Graph Kernels for Leaves. ICML 2019.\n"
        "- **Leaf counting** assigns a number to every tree in the toy forest we built.\n"
    )
    assert set(papers) == {"Graph Kernels for Leaves"}


def test_authors_before_a_quoted_or_comma_separated_title_are_split_off() -> None:
    papers = _papers(
        '- [Okafor, Ada, et al. "Sparse Graphs Learn Slowly."](https://arxiv.org/abs/2108.08810) '
        "arXiv preprint arXiv:2108.08810 (2021).\n"
        '- [Lind, Bo S., Eva Moreau, and Sam Ito. "Sets of Sets Revisited."](https://x.org/a.pdf) '
        "ICML 2019.\n"
        "- Rusu, A. A., Vecerik, M. and Hadsell, R., Robots from pixels with progressive nets. "
        "arXiv preprint arXiv:1610.04286, 2016.\n"
        "- Emmons*, Jain*, Laskin* et al. [Sparse Memory for Planning](https://arxiv.org/abs/2003.06417)."
        " NeurIPS 2020.\n"
    )
    assert set(papers) == {
        "Sparse Graphs Learn Slowly", "Sets of Sets Revisited",
        "Robots from pixels with progressive nets", "Sparse Memory for Planning",
    }  # fmt: skip


def test_methods_talks_and_chinese_descriptions_are_not_papers() -> None:
    papers = _papers(
        "- Graph Kernels for Leaves. ICML 2019.\n"
        "- [Langevin Leaf Sampling][1] (LLS) is what we use here, with a twist.\n"
        "- [Turing Lecture: The Power of Leaves](https://www.youtube.com/watch?v=abc)\n"
        "- [2018.4] cvpr, 提出了一种新颖的核表示（MLKP），将高阶统计量结合到表示中；以进行有效的检测\n"
        "\n[1]: https://arxiv.org/abs/1101.00001\n"
    )
    assert set(papers) == {"Graph Kernels for Leaves"}, papers


def test_a_challenge_named_on_the_venue_line_is_no_venue() -> None:
    papers = _papers(
        "1. [Skin Lesion Classification with Ensembles](https://arxiv.org/abs/1910.03910)\n"
        "ISIC 2019 *2019-10-09* [paper](https://arxiv.org/abs/1910.03910) | "
        "[ISIC 2019](https://challenge2019.isic-archive.com/leaderboard.html)\n"
        "1. [Domain Adaptation for the Visual Domain Adaptation Challenge 2019](https://arxiv.org/abs/1910.03548)\n"
        "VisDA-2019 *2019-10-08* [paper](https://arxiv.org/abs/1910.03548)\n"
        "1. [Learning Free-Form Deformations](https://arxiv.org/abs/1803.10932)\n"
        "ACCV 2018 *2018-03-28* [paper](https://arxiv.org/abs/1803.10932)\n"
    )
    assert papers == {
        "Skin Lesion Classification with Ensembles": (None, 2019),
        "Domain Adaptation for the Visual Domain Adaptation Challenge 2019": (None, 2019),
        "Learning Free-Form Deformations": ("ACCV", 2018),
    }


def test_an_unknown_venue_line_is_not_a_paper() -> None:
    papers = _papers(
        "1. [Fast crowd density estimation](https://www.sciencedirect.com/science/article/pii/S0952)\n"
        "AI 2015 *2015* [paper](https://www.sciencedirect.com/science/article/pii/S0952)\n"
    )
    assert list(papers) == ["Fast crowd density estimation"]
