"""Tests of kg.suggest.store: the packed heading-context bags, sections and row lengths read
back from ``suggest-index.npz`` give what the unpacked structures give."""

from __future__ import annotations

import numpy as np
import pytest
from _toy_kg import toy_kg

from kg.graph.adjacency import GraphIndex
from kg.io import SUGGEST_CACHE
from kg.learn.training import train
from kg.suggest.related import ContextIndex
from kg.suggest.store import PackedContext, pack_context, read_index
from kg.suggest.suggester import Suggester, row_norms


@pytest.fixture(scope="module")
def list_index(gnn_list) -> GraphIndex:
    from kg.pipeline import build

    return GraphIndex.from_graph(build([gnn_list]).graph)


def test_packed_context_scores_equal_the_unpacked_ones_for_every_node(list_index) -> None:
    compact = ContextIndex(list_index).to_compact()
    plain = ContextIndex(list_index, compact=compact)
    packed = PackedContext(list_index, pack_context(list_index, compact))
    scored = 0
    for node in list_index.nodes:
        want = plain.scores(node)
        assert packed.scores(node) == want  # the same floats, not merely close
        scored += bool(want)
    assert scored > 50  # the list files many papers under shared words
    assert packed.to_compact() == compact
    assert dict(packed.bags) == plain.bags and len(packed.bags) == len(plain.bags)
    some = [n for n in plain.bags][:40]
    for u in some[:8]:
        for v in some:
            assert packed.shared(u, v) == plain.shared(u, v)
    assert packed.scores("no such node") == {} and "no such node" not in packed.bags


def _saved(folder, index: GraphIndex, emb_ids: list[str]) -> dict:
    """``index`` written by save_index beside stand-ins of the files it indexes, read back."""
    from kg.suggest.related import TextIndex
    from kg.suggest.store import save_index
    from kg.suggest.suggester import _match_keys

    for name in ("graph.json", "model.json", "embeddings.npz"):
        (folder / name).write_text(name, encoding="utf-8")
    save_index(folder / SUGGEST_CACHE, stale=False, ranker=None, index=index,
               text=TextIndex(index), keys=_match_keys(index), emb_ids=emb_ids,
               emb_types=[index.type(n) for n in emb_ids],
               context=ContextIndex(index).to_compact())  # fmt: skip
    hit = read_index(folder / SUGGEST_CACHE)
    assert hit is not None
    return hit


def test_sections_read_back_group_as_the_graph_does(tmp_path, list_index) -> None:
    ids = list(list_index.nodes)
    hit = _saved(tmp_path, list_index, ids[::-1])  # embedding rows in another order
    loaded = hit["index"]
    assert list_index.sections, "the list files papers under sections"
    assert {n: dict(loaded.sections[n]) for n in loaded.sections} == list_index.sections
    assert list(loaded.sections) == list(list_index.sections)
    assert len(loaded.sections) == len(list_index.sections)
    posts = {q for by in list_index.sections.values() for q in by}
    for post in posts:
        assert loaded.filed(post) == list_index.filed(post)
    assert loaded.filed(ids[0] + "?") == {} and "nothing" not in loaded.sections
    assert hit["emb_ids"] == ids[::-1]
    # and the packed bags score as the unpacked ones over the loaded index
    packed = PackedContext(loaded, hit["context"])
    plain = ContextIndex(list_index, compact=ContextIndex(list_index).to_compact())
    for node in ids[:300]:
        assert packed.scores(node) == plain.scores(node)


def test_row_lengths_kept_in_the_index_are_those_of_the_embeddings(tmp_path) -> None:
    kg = toy_kg(posts=6)
    kg.save(tmp_path)
    p = train(kg, hidden=8, epochs=3, progress=False)
    p.save(tmp_path)
    Suggester.load(tmp_path)
    hit = read_index(tmp_path / SUGGEST_CACHE)
    assert hit is not None and hit["norms"] is not None
    head = (p.config.get("ranker") or {}).get("head")
    want = row_norms(np.load(tmp_path / "embeddings.npz")["z"], head)
    assert set(hit["norms"]) == set(want)
    for k, v in want.items():
        np.testing.assert_allclose(hit["norms"][k], v, rtol=1e-12)
    # the cosines divide by them: a loaded suggester ranks as one built in memory
    mem = Suggester.from_predictor(p, kg, check=False)
    disk = Suggester.load(tmp_path)
    for q in ("topic:root0", "topic:root1"):
        a = [(s.id, round(s.score, 9)) for s in mem.suggest(q, k=5, reasons=False)]
        b = [(s.id, round(s.score, 9)) for s in disk.suggest(q, k=5, reasons=False)]
        assert a == b
