"""kg.notes.venues: venue spellings -> canonical name, year, workshop flag; non-venues rejected."""

from __future__ import annotations

import pytest

from kg.notes.venues import KNOWN_VENUES, Venue, expand_year, lookup_venue, normalize_venue


@pytest.mark.parametrize(
    ("text", "name", "year", "workshop"),
    [
        ("ICCV2019", "ICCV", 2019, False),
        ("ICCV 2019", "ICCV", 2019, False),
        ("ICCV'19", "ICCV", 2019, False),
        ("ICCV’19", "ICCV", 2019, False),
        ("(ICCV)", "ICCV", None, False),
        ("NIPS2019", "NeurIPS", 2019, False),
        ("NeurIPS 2020", "NeurIPS", 2020, False),
        ("NIPS 2018 workshop", "NeurIPS", 2018, True),
        ("CVPR 2019 oral", "CVPR", 2019, False),
        ("ECCV 2020 spotlight", "ECCV", 2020, False),
        ("SIGIR 2020 best short paper", "SIGIR", 2020, False),
        ("TPAMI", "TPAMI", None, False),
        ("IEEE TNN 1997", "TNN", 1997, False),
        ("IJCV 2020", "IJCV", 2020, False),
        ("TIP", "TIP", None, False),
        ("JMLR", "JMLR", None, False),
        ("arXiv", "arXiv", None, False),
        ("arxiv 2019", "arXiv", 2019, False),
        ("arXIv 2020", "arXiv", 2020, False),
        ("ICLR Workshop", "ICLR", None, True),
        ("ICML 2018 Workshop.", "ICML", 2018, True),
        ("CVPRW 2020", "CVPR", 2020, True),
        ("ACM Computing Surveys 2020", "ACM Computing Surveys", 2020, False),
        ("EMNLP 18", "EMNLP", 2018, False),
        ("EMNLP/IJCNLP 2019", "EMNLP", 2019, False),
        ("VALSE2020", "VALSE", 2020, False),
        ("ACMMM 2019", "ACM MM", 2019, False),
        ("WWW 2019", "WWW", 2019, False),
        ("Neuro Computing 2020", "Neurocomputing", 2020, False),
        ("Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition",
         "CVPR", None, False),
        ("ECAI 2020", "ECAI", 2020, False),
        ("ICAPS", "ICAPS", None, False),
        ("RLDM 2019", "RLDM", 2019, False),
    ],
)  # fmt: skip
def test_known_spellings(text: str, name: str, year: int | None, workshop: bool) -> None:
    v = normalize_venue(text)
    assert v is not None, text
    assert (v.name, v.year, v.workshop) == (name, year, workshop)


def test_kinds() -> None:
    assert normalize_venue("TPAMI 2020").kind == "journal"
    assert normalize_venue("arXiv").kind == "preprint"
    assert normalize_venue("VALSE 2020").kind == "event"
    assert normalize_venue("CVPR").kind == "conference"


@pytest.mark.parametrize(
    "text",
    [
        "Northumberland Dolphin Dataset 2020",
        "Pruning from Scratch",
        "NAS",
        "2019",
        "RECOMMENDED!",
        "Few-shot-Segmentations-1000",
        "Nature 子刊 MI 2018",
        "few-shot learning",
        "",
        "nature",  # a common word keeps its capital letter to count as the journal
    ],
)
def test_not_venues(text: str) -> None:
    assert normalize_venue(text) is None
    assert normalize_venue(text, slot=True) is None


def test_slot_accepts_unknown_acronyms_only_with_a_year() -> None:
    assert normalize_venue("MICAI 2020") is None
    assert normalize_venue("MICAI 2020", slot=True) == Venue("MICAI", 2020, False, "unknown")
    assert normalize_venue("SSPR/SPR 2004", slot=True).name == "SSPR/SPR"
    assert normalize_venue("IEEE SPM 2017", slot=True).name == "SPM"
    assert normalize_venue("MICAI", slot=True) is None
    assert normalize_venue("Big Idea 2020", slot=True) is None


def test_slot_tolerates_words_after_the_year() -> None:
    assert normalize_venue("NIPS 2018 Bengio") is None
    assert normalize_venue("NIPS 2018 Bengio", slot=True) == Venue("NeurIPS", 2018)
    assert normalize_venue("ICLR 2017 Meta-learner LSTM Ravi", slot=True).year == 2017


def test_named_workshop_of_a_known_venue() -> None:
    v = normalize_venue("NIPS Workshop on Bayesian Deep Learning, 2016", slot=True)
    assert (v.name, v.year, v.workshop) == ("NeurIPS", 2016, True)


def test_table_is_consistent() -> None:
    kinds = {kind for kind, _ in KNOWN_VENUES.values()}
    assert kinds <= {"conference", "journal", "event", "preprint", "book"}
    # every canonical name and alias resolves back to its own entry
    for name, (_, aliases) in KNOWN_VENUES.items():
        for spelling in (name, *aliases):
            hit = lookup_venue(spelling)
            assert hit is not None and hit[0] == name, spelling


def test_expand_year() -> None:
    assert expand_year("18") == 2018
    assert expand_year("'99") == 1999
    assert expand_year("2021") == 2021
    assert expand_year("1850") is None
    assert expand_year("x") is None
