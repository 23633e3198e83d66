"""Finding nodes: exact, alias, fuzzy; find_one's one answer or one-line error."""

from __future__ import annotations

import pytest

from kg.graph.knowledge_graph import KnowledgeGraph
from kg.graph.lookup import Match, closest, find, find_one


def node(type_: str, label: str, *aliases: str) -> dict:
    return {"type": type_, "label": label, "aliases": list(aliases), "sources": [], "notes": []}


@pytest.fixture
def kg() -> KnowledgeGraph:
    return KnowledgeGraph.from_records(
        {
            "paper:pruning-from-scratch": node("paper", "Pruning from Scratch"),
            "paper:rethinking-the-value-of-network-pruning": node(
                "paper", "Rethinking the Value of Network Pruning", "Rethinking Pruning Value"
            ),
            "method:rethinking-network-pruning": node("method", "Rethinking Network Pruning"),
            "method:nas": node("method", "NAS"),
            "topic:nas": node("topic", "NAS"),
            "topic:模型压缩": node("topic", "模型压缩", "Model Compression"),
            "venue:neurips": node("venue", "NeurIPS", "NIPS"),
        },
        [],
    )


def test_exact_label_ignores_case_width_and_punctuation(kg) -> None:
    (m,) = [m for m in find(kg, "PRUNING-FROM-SCRATCH") if m.how == "exact"]
    assert m == Match("paper:pruning-from-scratch", "Pruning from Scratch", "paper", 100.0, "exact")
    assert find(kg, "ｎｅｕｒｉｐｓ")[0].id == "venue:neurips"


def test_node_id_is_exact(kg) -> None:
    assert find(kg, "topic:nas")[0] == Match("topic:nas", "NAS", "topic", 100.0, "exact")


def test_alias_then_fuzzy_ranked(kg) -> None:
    got = find(kg, "nips")
    assert (got[0].id, got[0].how) == ("venue:neurips", "alias")
    got = find(kg, "Rethinking Network Prunin")
    assert got[0].id == "method:rethinking-network-pruning" and got[0].how == "fuzzy"
    assert got[0].score >= 90
    assert all(a.score >= b.score for a, b in zip(got, got[1:], strict=False))


def test_type_filter_and_limit(kg) -> None:
    assert [m.id for m in find(kg, "NAS", type="topic")] == ["topic:nas"]
    assert len(find(kg, "pruning", limit=2)) == 2


def test_chinese_label_and_english_alias(kg) -> None:
    assert find_one(kg, "模型压缩") == "topic:模型压缩"
    assert find_one(kg, "model compression") == "topic:模型压缩"


def test_find_one_one_answer(kg) -> None:
    assert find_one(kg, "method:nas") == "method:nas"
    assert find_one(kg, "NAS", type="topic") == "topic:nas"
    assert find_one(kg, "pruning from scrach") == "paper:pruning-from-scratch"


def test_find_one_ambiguous_lists_candidates(kg) -> None:
    with pytest.raises(LookupError) as err:
        find_one(kg, "nas")
    msg = str(err.value)
    assert "ambiguous" in msg and "method:nas" in msg and "topic:nas" in msg
    assert "\n" not in msg


def test_find_one_unknown_lists_closest(kg) -> None:
    with pytest.raises(LookupError) as err:
        find_one(kg, "network pruning value")
    msg = str(err.value)
    assert msg.startswith("no node matches 'network pruning value'; closest: ")
    assert "paper:rethinking-the-value-of-network-pruning" in msg
    assert "\n" not in msg
    with pytest.raises(LookupError, match="^no paper node matches 'zzzz'$"):
        find_one(kg, "zzzz", type="paper")


def test_knowledge_graph_find_delegates(kg) -> None:
    assert kg.find("NIPS")[0].id == "venue:neurips"


def test_short_query_is_not_taken_as_a_word_containing_it():
    kg = KnowledgeGraph.from_records(
        {
            "topic:导航-navigation": {"type": "topic", "label": "导航（navigation）", "aliases": []},
            "paper:gat": {"type": "paper", "label": "Graph Attention Networks", "aliases": []},
        },
        [],
    )
    with pytest.raises(LookupError, match="no node matches 'GAT'"):
        find_one(kg, "GAT")


def test_an_acronym_in_parentheses_names_the_node() -> None:
    gan_topic = "topic:generative-adversarial-network-gan"
    records = {
        gan_topic: node("topic", "Generative Adversarial Network (GAN)"),
        "method:lisgan": node("method", "LisGAN"),
        "method:cyclegan": node("method", "CycleGAN"),
        "method:wgan": node("method", "WGAN"),
        "method:dcgan": node("method", "DCGAN"),
        "method:gan-tricks": node("method", "GAN 训练技巧"),
        "topic:gan-vae": node("topic", "GAN & VAE"),
        "paper:gan-study": node("paper", "GAN: a study"),
    }
    kg = KnowledgeGraph.from_records(records, [])
    assert find_one(kg, "GAN") == gan_topic
    assert find_one(kg, "generative adversarial network") == gan_topic
    records["method:gan"] = node("method", "GAN (generative adversarial network)")
    with pytest.raises(LookupError, match="'GAN' is ambiguous: ") as err:
        find_one(KnowledgeGraph.from_records(records, []), "GAN")
    assert gan_topic in str(err.value) and "method:gan " in str(err.value)


def test_closest_is_on_words_not_characters() -> None:
    kg = KnowledgeGraph.from_records(
        {
            "method:for-t-1-2-t": node("method", "for t = 1, 2, ..., T"),
            "method:repeat-for": node("method", "repeat for"),
            "paper:pruning-filters": node("paper", "Pruning Filters for Efficient ConvNets"),
            "paper:lottery": node("paper", "The Lottery Ticket Hypothesis"),
        },
        [],
    )
    with pytest.raises(LookupError) as err:
        find_one(kg, "Pruning Filters for Efficient ConvNets Revisited")
    assert str(err.value).endswith("closest: paper:pruning-filters (Pruning Filters for Efficient ConvNets)")
    # only function words in common: nothing is offered
    with pytest.raises(LookupError, match="^no node matches 'a survey of methods for graphs'$"):
        find_one(kg, "a survey of methods for graphs")
    # a typo or a plural of a rare word still counts
    assert [m.id for m in closest(kg, "lottery tickets")] == ["paper:lottery"]
