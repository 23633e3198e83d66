"""kg.suggest.related at scale: derived indexes, the head fitted on a sample of its pairs.

Each held-out note's evidence and context index are derived from those of the whole graph
(:meth:`Evidence.derive`, :meth:`ContextIndex.derive`, :func:`without`); they must equal
indexes built afresh on the graph without the note, whatever the note touches: its sections,
groupings only it files, a grouping that stops (or starts) being a hub.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from kg.graph.adjacency import GraphIndex
from kg.notes.records import SECTION_SEP
from kg.suggest.related import (
    ContextIndex,
    Evidence,
    TextIndex,
    cross_fit_head,
    head_sample,
    learn_ranker,
    pair_features,
    query_folds,
    unit_rows,
    without,
)

HEADINGS = ["Metric learning", "Metric-based methods", "Data augmentation", "Papers",
            "度量学习", "Graph networks", "Contents", "Optimisation"]  # fmt: skip


def _random_graph(seed: int) -> GraphIndex:
    """Posts listing papers under (nested) headings, topics and methods filing them, venues."""
    rng = random.Random(seed)
    nodes = [{"id": f"paper:{i}", "type": "paper", "label": f"Paper {rng.choice(HEADINGS)} {i}"}
             for i in range(40)]  # fmt: skip
    nodes += [{"id": f"topic:{i}", "type": "topic", "label": h} for i, h in enumerate(HEADINGS)]
    nodes += [{"id": "method:m", "type": "method", "label": "Prototypical networks"},
              {"id": "venue:v", "type": "venue", "label": "NeurIPS"}]  # fmt: skip
    nodes += [{"id": f"post:{i}", "type": "post", "label": f"Note {i}"} for i in range(6)]
    links = []
    for p in range(6):
        for i in rng.sample(range(40), 12):
            sec = SECTION_SEP.join(rng.sample(HEADINGS, rng.choice([1, 2])))
            links.append({"source": f"post:{p}", "target": f"paper:{i}", "relation": "mentions",
                          "section": sec})  # fmt: skip
        for t in rng.sample(range(len(HEADINGS)), 2):
            links.append({"source": f"post:{p}", "target": f"topic:{t}", "relation": "mentions"})
    for i in range(40):
        for t in rng.sample(range(len(HEADINGS)), rng.choice([0, 1, 2])):
            links.append({"source": f"paper:{i}", "target": f"topic:{t}", "relation": "part_of"})
        if rng.random() < 0.3:
            links.append({"source": f"paper:{i}", "target": "method:m", "relation": "part_of"})
        if rng.random() < 0.5:
            links.append({"source": f"paper:{i}", "target": "venue:v", "relation": "published_at"})
    links.append({"source": "method:m", "target": "topic:0", "relation": "subtopic_of"})
    return GraphIndex.from_node_link({"nodes": nodes, "links": links})


def _note_pairs(index: GraphIndex, post: str) -> list[tuple[str, str]]:
    """The note's edges and the grouping edges of what it names (as note_holdout hides)."""
    named = sorted(index.neighbors(post))
    hidden = [(post, w) for w in named]
    for child in named:
        for group, rels in sorted(index.neighbors(child).items()):
            if group in named and any(o for r, o in rels if r == "part_of"):
                hidden.append((child, group))
    return hidden


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("hub", [4, 8, 1000])
def test_derived_indexes_equal_a_rebuild(seed: int, hub: int) -> None:
    full = _random_graph(seed)
    full.filed("")  # as note_pair_rows does: each note's sections are derived from these
    concepts = {"度量学习": ["metric learning"], "Metric learning": ["metric learning"]}
    base = ContextIndex(full, concepts, Evidence(full, hub_degree=hub))
    flips = 0
    for p in range(6):
        hidden = _note_pairs(full, f"post:{p}")
        seen = without(full, hidden)
        touched = {n for pair in hidden for n in pair}
        ev, changed = base.evidence.derive(seen, touched)
        ctx = base.derive(seen, ev, changed)
        fresh_seen = GraphIndex(full.nodes, dict(seen.adj), dict(seen.sections))
        fresh_ev = Evidence(fresh_seen, hub_degree=hub)
        fresh = ContextIndex(fresh_seen, concepts, fresh_ev)
        flips += sum(ev.blocked(n) != base.evidence.blocked(n) for n in touched)
        assert {q: seen.filed(q) for q in full.nodes} == {q: fresh_seen.filed(q) for q in full.nodes}
        assert ctx.bags == fresh.bags
        assert {t: sorted(ids) for t, ids in ctx.postings.items()} == {
            t: sorted(ids) for t, ids in fresh.postings.items()}
        text = TextIndex(full)
        for n in sorted(full.nodes):
            assert ev.groups(n) == fresh_ev.groups(n)
            assert ev.sections(n) == fresh_ev.sections(n)
            assert ctx.scores(n) == fresh.scores(n)
            assert {c: v.tolist() for c, v in ev.scores(n).items()} == {
                c: v.tolist() for c, v in fresh_ev.scores(n).items()}
            if n in ctx.bags:
                assert ctx.idf == {t: fresh.idf[t] for t in ctx.idf}
        cands = sorted(n for n in full.nodes if n.startswith("paper:"))
        for q in cands[:10]:
            np.testing.assert_array_equal(
                pair_features(ev, text, q, cands, context=ctx),
                pair_features(fresh_ev, text, q, cands, context=fresh))
    if hub == 4:
        assert flips > 0  # a grouping that stops being a hub once a note is out was covered



def test_the_head_is_fitted_on_a_sample_of_whole_queries_above_the_cap() -> None:
    rng = np.random.default_rng(0)
    queries = [f"paper:{i // 4}" for i in range(400)] + [f"post:n{i // 40}|paper:{i}" for i in range(200)]
    y = np.tile([1.0, 0.0, 0.0, 0.0], 150)
    zq, zc = rng.normal(size=(600, 3)), rng.normal(size=(600, 3))
    zc[y == 1] += zq[y == 1]
    sizes = []

    def fit(a: np.ndarray, b: np.ndarray, labels: np.ndarray, l2: float) -> np.ndarray:
        sizes.append(len(labels))
        return np.eye(3) * (1.0 + l2)

    sample = head_sample(queries, max_pairs=100)
    assert 100 <= sample.sum() < 140  # whole groups: a held-out note's 40 queries together
    group = np.array([q.split("|")[0] for q in queries])
    for g in np.unique(group):
        assert len(set(sample[group == g])) == 1
    col, head, how = cross_fit_head(zq, zc, y, queries, fit, l2s=(1.0,), max_pairs=100)
    assert max(sizes) <= sample.sum() and how["fitted_on"] == int(sample.sum())
    # every pair still gets its value, from the fold that left it out
    assert np.allclose(col, (unit_rows(zq) * unit_rows(zc)).sum(axis=1))
    assert len(set(query_folds(queries).tolist())) > 1
    sizes.clear()
    _, _, how = cross_fit_head(zq, zc, y, queries, fit, l2s=(1.0,), max_pairs=600)
    assert "fitted_on" not in how and sizes[-1] == 600  # under the cap: every pair


def test_the_ranker_learns_the_same_from_a_derived_context() -> None:
    full = _random_graph(4)
    held = [(f"paper:{i}", w) for i in range(40) for w, rels in sorted(full.neighbors(f"paper:{i}").items())
            if any(r == "part_of" and o for r, o in rels)][::3]  # fmt: skip
    out = {frozenset(p) for p in held}
    seen = GraphIndex(dict(full.nodes), {n: {} for n in full.nodes})
    for u, nbrs in full.adj.items():
        for v, rels in nbrs.items():
            if frozenset((u, v)) not in out:
                for r, o in rels:
                    if o:
                        seen.add_edge(u, v, r)
    for v, by in full.sections.items():
        for u, sec in by.items():
            if frozenset((u, v)) not in out:
                seen.sections.setdefault(v, {})[u] = sec
    base = ContextIndex(full, {}, Evidence(full))
    ev, changed = base.evidence.derive(seen, {n for p in out for n in p})
    got = learn_ranker(full, seen, held, min_pairs=5, context=base.derive(seen, ev, changed))
    want = learn_ranker(full, seen, held, min_pairs=5)
    assert got.kind == want.kind and got.pairs == want.pairs and got.pairs["positive"] >= 5
    assert got.weights == want.weights and got.validation == want.validation


def test_cross_fits_in_threads_give_the_fits_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """The head's cross-fits run side by side on two cores: the column, the head and the
    choice are those of the same fits run one after another (the real torch head)."""
    import kg.parallel as parallel
    from kg.learn.training import fit_relatedness_head
    from kg.suggest.related import cross_fit_head

    rng = np.random.default_rng(3)
    zq, zc = rng.normal(size=(120, 8)), rng.normal(size=(120, 8))
    y = np.tile([1.0, 0.0, 0.0], 40)
    zc[y == 1, :2] = zq[y == 1, :2]  # related pairs agree on two axes
    queries = [f"q{i // 6}" for i in range(120)]

    def fit(a: np.ndarray, b: np.ndarray, lab: np.ndarray, l2: float) -> np.ndarray:
        return fit_relatedness_head(a, b, lab, l2=l2, steps=30)

    monkeypatch.setattr(parallel, "_workers", lambda tasks: min(2, tasks))
    col2, head2, how2 = cross_fit_head(zq, zc, y, queries, fit)
    monkeypatch.setattr(parallel, "_workers", lambda tasks: 1)
    col1, head1, how1 = cross_fit_head(zq, zc, y, queries, fit)
    assert np.array_equal(col1, col2) and np.array_equal(head1, head2) and how1 == how2
