"""Tests of kg.suggest.index: the index written at build time and bounded page suggestions."""

from __future__ import annotations

import numpy as np
import pytest
from _toy_kg import toy_kg

import kg.suggest.index as si
from kg.io import SUGGEST_CACHE
from kg.learn.training import train
from kg.suggest.suggester import Suggester


def test_write_suggest_index_makes_the_first_suggest_read_the_cache(tmp_path) -> None:
    kg = toy_kg()
    kg.save(tmp_path)
    train(kg, hidden=8, epochs=3, progress=False).save(tmp_path)
    assert not (tmp_path / SUGGEST_CACHE).exists()
    path = si.write_suggest_index(tmp_path)
    assert path == tmp_path / SUGGEST_CACHE and path.exists()
    before = path.stat().st_mtime_ns
    Suggester.load(tmp_path).suggest("topic:root0", k=3)
    assert path.stat().st_mtime_ns == before  # read, not rebuilt
    assert si.write_suggest_index(tmp_path / "empty") is None


def test_index_from_memory_equals_the_one_read_from_graph_json(tmp_path) -> None:
    kg = toy_kg(posts=6)
    kg.save(tmp_path)
    p = train(kg, hidden=8, epochs=3, progress=False)
    p.save(tmp_path)
    suggester = Suggester.from_predictor(p, graph=kg, check=False)
    path = si.write_suggest_index(tmp_path, p, suggester)
    hit = si.read_index(path)
    assert hit is not None and not hit["stale"]
    files = Suggester.load(tmp_path, cache=False)  # parses graph.json, computes everything
    from kg.graph.adjacency import COMPACT_ATTRS
    from kg.suggest.suggester import _match_keys

    assert list(hit["index"].nodes) == list(files.index.nodes)
    for nid, attrs in files.index.nodes.items():
        assert hit["index"].nodes[nid] == {a: attrs[a] for a in COMPACT_ATTRS if a in attrs}
        assert hit["index"].neighbors(nid) == files.index.neighbors(nid)
    assert hit["index"].sections == files.index.sections
    keys = _match_keys(files.index)
    for tier in ("label", "alias"):
        assert dict(hit["keys"][tier]) == keys[tier]
    assert hit["text"].postings == files.text.postings and hit["text"].idf == files.text.idf
    assert hit["emb_ids"] == files.scorer.ids and hit["emb_types"] == files.scorer.types
    cached = Suggester.load(tmp_path)
    assert cached.index._csr is not None  # read from the index
    for nid in list(files.index.nodes)[:40]:
        assert [s.to_dict() for s in cached.suggest(nid, k=4)] == [s.to_dict() for s in files.suggest(nid, k=4)]


def test_linear_weights_of_an_mlp_are_the_product_of_its_layers() -> None:
    rng = np.random.default_rng(0)
    w0, w1 = rng.normal(size=(4, 4)).astype(np.float32), rng.normal(size=(4, 1)).astype(np.float32)
    dec = {"decoder": "mlp", "dec_w0": w0, "dec_b0": np.zeros(4), "dec_w1": w1, "dec_b1": np.zeros(1)}
    np.testing.assert_allclose(si.linear_weights(dec), (w0 @ w1)[:, 0], rtol=1e-6)


def test_page_suggestions_exact_on_small_graphs_bounded_on_large(monkeypatch) -> None:
    kg = toy_kg(posts=6)
    p = train(kg, hidden=8, epochs=5, progress=False)
    exact = si.page_suggestions(p, kg, k=3)
    assert exact == p.suggestions_for_all(k=3, graph=kg)
    monkeypatch.setattr(si, "PAGE_EXACT_MAX", 1)
    monkeypatch.setattr(si, "PRESELECT", 10**6)  # keep every candidate: must equal exact
    bounded = si.page_suggestions(p, kg, k=3, max_nodes=5)
    assert len(bounded) == 5
    for nid, found in bounded.items():
        assert [s["id"] for s in found] == [s["id"] for s in exact[nid]]
    monkeypatch.setattr(si, "PRESELECT", 4)
    small = si.page_suggestions(p, kg, k=3, max_nodes=5)
    assert all(len(found) == 3 for found in small.values())


def test_a_rebuild_keeps_the_page_suggestions_an_edit_cannot_touch(tmp_path) -> None:
    kg = toy_kg(posts=40, papers_per_topic=2)
    kg.save(tmp_path)
    p = train(kg, hidden=8, epochs=3, progress=False)
    p.save(tmp_path)
    before = Suggester.from_predictor(p, graph=kg, check=False)
    page = si.page_suggestions(p, kg, k=3, suggester=before)
    si.write_suggest_index(tmp_path, p, before, {"k": 3, "suggestions": page})
    # the same graph: everything is kept; another k: nothing
    assert si.reusable_page(tmp_path, before, k=3) == page
    assert si.reusable_page(tmp_path, before, k=4) == {}
    # an edit: one paper of post 0 gets a new topic
    edited = toy_kg(posts=40, papers_per_topic=2)
    papers = sorted(n for n in edited.graph if n.startswith("paper:"))
    edited.graph.add_edge(papers[0], "topic:sub0-1", key="part_of", relation="part_of")
    after = Suggester.from_predictor(p, graph=edited, check=False)
    kept = si.reusable_page(tmp_path, after, k=3)
    assert kept and len(kept) < len(page)
    assert papers[0] not in kept and "topic:sub0-1" not in kept
    near = set(after.index.neighbors(papers[0])) | set(after.index.neighbors("topic:sub0-1"))
    assert not near & set(kept)
    for q, found in kept.items():
        assert found == page[q]
        assert not {s["id"] for s in found} & {papers[0], "topic:sub0-1"}
    # the page after the edit: kept lists as they were, the rest computed afresh
    mixed = si.page_suggestions(p, edited, k=3, suggester=after, reuse=kept)
    fresh = si.page_suggestions(p, edited, k=3, suggester=after)
    assert list(mixed) == list(fresh)
    for q in fresh:
        # the same suggestions and reasons; a score may differ in its last bits where the
        # decoder's float32 logits were computed in a block of other queries (the order
        # goes by ORDER_TOL, not by those bits)
        want = kept[q] if q in kept else fresh[q]
        assert [{**s, "score": None} for s in mixed[q]] == [{**s, "score": None} for s in want]
        assert [s["score"] for s in mixed[q]] == pytest.approx([s["score"] for s in want], rel=1e-6)


def test_a_renamed_node_that_would_enter_a_kept_list_drops_it(tmp_path) -> None:
    kg = toy_kg(posts=12, papers_per_topic=2)
    p = train(kg, hidden=8, epochs=3, progress=False)
    sg = Suggester.from_predictor(p, graph=kg, check=False)
    page = si.page_suggestions(p, kg, k=3, suggester=sg)
    q = next(n for n, found in page.items() if len(found) == 3)
    # pretend the top suggestion is new: it scores at the top of q's list, so the list goes
    top = page[q][0]["id"]
    assert q not in si._without_newcomers({q: page[q]}, sg, {top}, 3)
    # a node ranked far below the list's last entry leaves it as it is
    full = sg.suggest(q, k=len(sg.scorer.ids), reasons=False)
    low = full[-1].id
    assert full[-1].score < page[q][-1]["score"]
    assert si._without_newcomers({q: page[q]}, sg, {low}, 3) == {q: page[q]}
    # a list shorter than k takes any newcomer of its types
    assert q not in si._without_newcomers({q: page[q][:2]}, sg, {low}, 3)
