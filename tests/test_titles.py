"""Tests of kg.learn.titles: title vectors from the sentence encoder (real weights, no mocks)."""

from __future__ import annotations

import numpy as np
import pytest

from kg.learn import titles

pytestmark = pytest.mark.skipif(not titles.encoder_available(), reason="sentence encoder not installed")

FEW_SHOT = "Prototypical Networks for Few-shot Learning"
ONE_SHOT = "Matching Networks for One Shot Learning"
GRAPH = "Semi-Supervised Classification with Graph Convolutional Networks"
GAT = "Graph Attention Networks"


def test_related_titles_are_closer_than_unrelated_ones_without_sharing_the_words() -> None:
    v = titles.encode([FEW_SHOT, ONE_SHOT, GRAPH, GAT])
    cos = v.astype(np.float64) @ v.astype(np.float64).T
    assert v.dtype == np.float16 and v.shape == (4, titles.TITLE_DIM)
    np.testing.assert_allclose(np.diag(cos), 1.0, atol=2e-3)  # unit rows, rounded to float16
    assert cos[0, 1] > cos[0, 2] + 0.2 and cos[0, 1] > cos[0, 3] + 0.2
    assert cos[2, 3] > cos[2, 0] + 0.1


def test_a_title_vector_does_not_depend_on_what_else_is_encoded() -> None:
    words = ["graph", "learning", "networks", "meta", "attention", "few-shot", "neural", "deep"]
    rng = np.random.default_rng(0)
    texts = [" ".join(rng.choice(words, size=int(rng.integers(2, 9)))) for _ in range(150)]
    texts = list(dict.fromkeys(texts))
    titles._MEMO.clear()
    whole = titles.encode(texts)
    titles._MEMO.clear()
    part = titles.encode(texts[::7])
    assert np.array_equal(whole[::7], part)


def test_title_vectors_cover_content_types_only_and_respect_the_limit() -> None:
    ids = ["paper:a", "venue:b", "post:c", "topic:d", "paper:e"]
    types = ["paper", "venue", "post", "topic", "paper"]
    labels = [FEW_SHOT, "NeurIPS", "My notes on graphs", "Meta-learning", None]
    v = titles.title_vectors(ids, types, labels)
    assert v is not None and v.shape == (5, titles.TITLE_DIM)
    norms = np.linalg.norm(v.astype(np.float64), axis=1)
    assert norms[1] == 0.0 and norms[4] == 0.0  # a venue; a paper without a label
    np.testing.assert_allclose(norms[[0, 2, 3]], 1.0, atol=2e-3)
    assert titles.title_vectors(ids, types, labels, limit=2) is None  # 3 titles > 2


def test_a_rebuild_encodes_only_new_titles_and_gets_the_same_rows(tmp_path, monkeypatch) -> None:
    from _toy_kg import toy_kg

    from kg.learn.predictor import LinkPredictor
    from kg.learn.training import train

    kg = toy_kg(posts=4, papers_per_topic=2)
    titles._MEMO.clear()
    first = train(kg, hidden=8, epochs=3, progress=False)
    first.save(tmp_path)
    assert first.titles is not None and first.title_keys is not None
    # the same notes plus one paper; the rebuild starts from the saved model
    edited = toy_kg(posts=4, papers_per_topic=2)
    edited.graph.add_node("paper:new", type="paper", label="Siamese networks for one-shot recognition",
                          aliases=[], sources=[], notes=[])
    edited.graph.add_edge("paper:new", "topic:sub0-0", key="part_of", relation="part_of")
    encoded: list[str] = []
    real = titles._encode
    monkeypatch.setattr(titles, "_encode", lambda todo, device: (encoded.extend(todo), real(todo, device)))
    titles._MEMO.clear()
    again = train(edited, hidden=8, epochs=3, progress=False, init=LinkPredictor.load(tmp_path))
    assert encoded == ["Siamese networks for one-shot recognition"]
    rows = {n: i for i, n in enumerate(again.ids)}
    for i, n in enumerate(first.ids):
        assert np.array_equal(first.titles[i], again.titles[rows[n]])
    # and a fresh encoding of every title gives those rows too
    titles._MEMO.clear()
    fresh = titles.title_vectors(again.ids, again.types,
                                 [edited.graph.nodes[n].get("label") for n in again.ids])
    assert np.array_equal(fresh, again.titles)


def test_a_broken_encoder_gives_no_title_vectors_and_a_warning(monkeypatch) -> None:
    def broken(device: str) -> None:
        raise OSError("model.safetensors: truncated")

    monkeypatch.setattr(titles, "_model", broken)
    titles._MEMO.clear()
    with pytest.warns(RuntimeWarning, match="title vectors skipped: .*truncated"):
        assert titles.title_vectors(["paper:a"], ["paper"], ["An unseen title of a paper"]) is None


def test_titles_the_encoder_cannot_read_get_no_vector() -> None:
    # mostly Chinese: the English encoder puts such titles close together whatever they say
    labels = ["图注意力网络", "人声分离", "「论文解读」 Weakly supervised 3D Reconstruction", "Graph attention"]
    v = titles.title_vectors(["a", "b", "c", "d"], ["paper", "topic", "post", "paper"], labels)
    assert v is not None
    assert [bool(r.any()) for r in v] == [False, False, True, True]
    # notes labelled by a heading that names a part of a paper, not a subject
    labels = ["Related Work", "Approach", "Experiments", "Mask R-CNN"]
    v = titles.title_vectors(["a", "b", "c", "d"], ["post", "post", "post", "paper"], labels)
    assert v is not None
    assert [bool(r.any()) for r in v] == [False, False, False, True]


def test_the_suggester_and_the_training_pairs_fill_a_missing_title_alike() -> None:
    from _toy_kg import toy_kg

    from kg.learn.training import train
    from kg.suggest.related import TitleCosines, title_fill
    from kg.suggest.suggester import Suggester

    kg = toy_kg(posts=4, papers_per_topic=2)  # topic 图神经网络: no vector
    p = train(kg, hidden=8, epochs=3, progress=False)
    assert p.titles is not None
    untitled = [n for n, r in zip(p.ids, p.titles, strict=True) if not r.any() and n.startswith("topic:")]
    assert untitled
    sg = Suggester.from_predictor(p, graph=kg, check=False)
    tc = TitleCosines(p.ids, p.titles)
    cands = np.arange(len(p.ids))
    for q in (untitled[0], "paper:x1-0-0"):
        np.testing.assert_array_equal(sg._semantic(sg.scorer.row[q], cands), tc(q, p.ids))
    assert tc(untitled[0], ["paper:x1-0-0"])[0] == title_fill(p.titles) > 0


def test_the_report_says_why_there_are_no_title_vectors() -> None:
    info: dict = {}
    assert titles.title_vectors(["a", "b"], ["paper", "paper"], ["One title", "Another"], limit=1,
                                report=info) is None
    assert info == {"titles": 2, "encoded": 0, "skipped": "2 titles, more than 1"}
    info = {}
    assert titles.title_vectors(["a"], ["paper"], ["图注意力网络"], report=info) is None
    assert info["skipped"] == "no title the encoder can read"
    titles._MEMO.clear()
    info = {}
    assert titles.title_vectors(["a"], ["paper"], ["Graph attention networks"], report=info) is not None
    assert info == {"titles": 1, "encoded": 1}


def test_a_title_whose_digest_ends_in_zero_bytes_is_still_found_on_a_rebuild() -> None:
    # "title 418" hashes to 16 bytes ending in a zero byte, which an S16 array drops
    keys = titles.title_keys(["paper"], ["title 418"])
    known = {bytes(keys[0]): np.ones(titles.TITLE_DIM, dtype=np.float16)}
    titles._MEMO.clear()
    v = titles.title_vectors(["a"], ["paper"], ["title 418"], known=known, report=(info := {}))
    assert info["encoded"] == 0 and v is not None and np.all(v[0] == 1)
