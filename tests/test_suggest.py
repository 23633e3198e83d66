"""kg.suggest.suggester: NumPy scoring from saved files, ranking, ties, staleness, lookups."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from _handmade import EXPECTED, NODES, handmade_graph, trainable_graph, write_model_dir

from kg.io import SUGGEST_CACHE
from kg.io import fingerprint as graph_fingerprint
from kg.suggest.store import read_index
from kg.suggest.suggester import (
    StaleModelWarning,
    Suggester,
    Suggestion,
    format_suggestions,
    suggest,
    suggestions_for_all,
)

ROOT = Path(__file__).resolve().parent.parent
#: Every entity type: these tests rank all of them (a paper query defaults to papers).
ALL = ["paper", "method", "topic", "venue"]


@pytest.fixture()
def model_dir(tmp_path: Path) -> Path:
    return write_model_dir(tmp_path / "out")


def test_ranking_known_by_hand(model_dir: Path) -> None:
    found = suggest(model_dir, "Pruning from Scratch", types=ALL)
    assert [s.id for s in found] == EXPECTED
    assert [s.rank for s in found] == list(range(1, len(EXPECTED) + 1))
    # score = sigmoid(z_q . z_c); z_q = [1, 0, 0] so the logit is the first coordinate
    assert found[0].score == pytest.approx(1 / (1 + np.exp(-0.9)))
    assert found[0].logit == pytest.approx(0.9)
    assert found[0].label == "The Lottery Ticket Hypothesis"
    assert found[0].type == "paper"


def test_linked_nodes_and_query_are_never_suggested(model_dir: Path) -> None:
    ids = {s.id for s in suggest(model_dir, "paper:pfs", k=100, types=ALL)}
    # pruning (out-edge), aaai (out-edge), the post (in-edge) have the highest logits
    assert not ids & {"paper:pfs", "topic:pruning", "venue:aaai", "post:valse"}
    # a venue query: its papers are linked by in-edges only
    ids = {s.id for s in suggest(model_dir, "ICLR", k=100, types=ALL)}
    assert not ids & {"paper:lth", "paper:twin-a", "paper:twin-b", "venue:iclr"}


def test_k_and_types(model_dir: Path) -> None:
    assert [s.id for s in suggest(model_dir, "PFS", k=2, types=ALL)] == EXPECTED[:2]
    assert [s.id for s in suggest(model_dir, "PFS", types=["topic", "venue"])] == [
        "venue:iclr",
        "topic:nas",
    ]
    assert [s.id for s in suggest(model_dir, "PFS", types="topic")] == ["topic:nas"]
    assert suggest(model_dir, "PFS", k=0, types=ALL) == []
    with pytest.raises(ValueError, match="unknown node type book"):
        suggest(model_dir, "PFS", types=["book"])


def test_ties_are_marked_even_across_the_cut(model_dir: Path) -> None:
    found = suggest(model_dir, "PFS", k=3, types=ALL)  # Twin B (tied with Twin A) falls below k
    twin = found[2]
    assert (twin.id, twin.tie, twin.tie_size, twin.tied_with) == ("paper:twin-a", 1, 2, ["paper:twin-b"])
    assert all(s.tie is None and s.tied_with == [] for s in found[:2])
    full = suggest(model_dir, "PFS", types=ALL)
    assert [s.tie for s in full] == [None, None, 1, 1, None, None, None]
    assert full[3].tied_with == ["paper:twin-a"]
    text = format_suggestions("PFS", full)
    assert text.count("=tie 1") == 2
    d = full[2].to_dict()
    assert d["tie"] == 1 and d["tied_with"] == ["paper:twin-b"]
    assert set(full[0].to_dict()) == {"rank", "id", "label", "type", "score", "reasons"}


def test_near_ties_within_tolerance(tmp_path: Path) -> None:
    d = write_model_dir(tmp_path)
    with np.load(d / "embeddings.npz") as npz:
        arrays = {k: npz[k] for k in npz.files}
    ids = arrays["ids"].tolist()
    arrays["z"][ids.index("paper:twin-b"), 0] = np.nextafter(np.float32(0.5), np.float32(1))
    np.savez(d / "embeddings.npz", **arrays)
    found = suggest(d, "PFS", types=ALL)
    assert found[2].tie == 1 and found[3].tie == 1  # one float32 ulp apart: the model can't tell
    assert [s.tie for s in suggest(d, "PFS", tie_tol=0.0, types=ALL)] == [None] * 7


def test_reasons_come_from_the_graph(model_dir: Path) -> None:
    by_id = {s.id: s for s in suggest(model_dir, "PFS", types=ALL)}
    assert by_id["paper:lth"].reasons[:2] == [
        "both listed under 模型剪枝 (topic)",
        "both in post VALSE 2020 notes (notes/valse.md lines 5, 7)",
    ]
    # reached only through the ICLR venue: no reason but the model's score
    assert by_id["paper:twin-a"].reasons[0].startswith("no shared section, note or title words")
    assert by_id["paper:twin-a"].reasons[-1] == "noted at other/b.md:1"
    assert suggest(model_dir, "PFS", reasons=False, types=ALL)[0].reasons == []


def test_resolves_id_label_alias_and_near_misses(model_dir: Path) -> None:
    sg = Suggester.load(model_dir)
    assert sg.find_one("paper:pfs") == "paper:pfs"
    assert sg.find_one("pruning FROM scratch!") == "paper:pfs"
    assert sg.find_one("PFS") == "paper:pfs"
    assert sg.find_one("network pruning") == "topic:pruning"
    assert sg.find_one("模型剪枝") == "topic:pruning"
    assert sg.find_one("Pruning from Scrach") == "paper:pfs"  # fuzzy, via kg.lookup
    with pytest.raises(LookupError, match="no node matches 'Quantum Gravity'"):
        sg.find_one("Quantum Gravity")
    with pytest.raises(LookupError, match=r"'Twin' is ambiguous: paper:twin-a \(Twin A\), paper:twin-b"):
        sg.find_one("Twin")
    with pytest.raises(LookupError, match=r"no node matches 'DART nets'; closest: paper:darts \(DARTS\)"):
        sg.find_one("DART nets")


def test_ambiguous_label_lists_both(tmp_path: Path) -> None:
    kg = handmade_graph()
    nodes = {n: dict(a) for n, a in kg.iter_nodes()}
    nodes["method:nas"] = {"type": "method", "label": "NAS", "aliases": []}
    sg = Suggester.from_arrays(
        {"nodes": [{"id": n, **a} for n, a in nodes.items()], "links": []},
        list(nodes),
        [a["type"] for a in nodes.values()],
        np.zeros((len(nodes), 2), dtype=np.float32),
    )
    with pytest.raises(LookupError, match=r"'NAS' is ambiguous: method:nas \(NAS\), topic:nas"):
        sg.find_one("NAS")


def test_missing_and_broken_files_give_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no graph here; run `kg build"):
        suggest(tmp_path, "PFS", types=ALL)
    handmade_graph().save(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"embeddings.npz: no trained model here; run `kg train"):
        suggest(tmp_path, "PFS", types=ALL)
    d = write_model_dir(tmp_path / "bad")
    (d / "embeddings.npz").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="embeddings.npz: not a readable embeddings file"):
        suggest(d, "PFS", types=ALL)
    (d / "model.json").write_text("{\n oops", encoding="utf-8")
    with pytest.raises(ValueError, match=r"model.json:2: not valid JSON"):
        suggest(d, "PFS", types=ALL)


def test_stale_model_warns_but_still_answers(tmp_path: Path) -> None:
    d = write_model_dir(tmp_path, stale=True)
    with pytest.warns(StaleModelWarning, match="trained on another version of graph.json"):
        found = suggest(d, "PFS", types=ALL)
    assert [s.id for s in found] == EXPECTED
    fresh = write_model_dir(tmp_path / "fresh")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        suggest(fresh, "PFS", types=ALL)


def test_node_missing_from_the_embeddings(tmp_path: Path) -> None:
    d = write_model_dir(tmp_path)
    with np.load(d / "embeddings.npz") as npz:
        arrays = {k: npz[k] for k in npz.files}
    keep = arrays["ids"] != "paper:darts"
    np.savez(d / "embeddings.npz", **{**arrays, **{k: arrays[k][keep] for k in ("ids", "types", "z")}})
    with pytest.raises(LookupError, match="paper:darts has no embedding"):
        suggest(d, "DARTS", types=ALL)
    assert "paper:darts" not in [s.id for s in suggest(d, "PFS", types=ALL)]


def test_fingerprint_matches_the_graph_class(tmp_path: Path) -> None:
    kg = handmade_graph()
    kg.save(tmp_path)
    data = json.loads((tmp_path / "graph.json").read_text(encoding="utf-8"))
    assert graph_fingerprint(data) == kg.fingerprint()
    data["nodes"][0]["label"] = "changed"
    assert graph_fingerprint(data) != kg.fingerprint()


def test_mlp_decoder_in_numpy(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    w0, b0 = rng.normal(size=(3, 4)), rng.normal(size=4)
    w1, b1 = rng.normal(size=(4, 1)), rng.normal(size=1)
    dec = {"decoder": np.array("mlp"), "dec_w0": w0, "dec_b0": b0, "dec_w1": w1, "dec_b1": b1}
    d = write_model_dir(tmp_path, decoder=dec)
    sg = Suggester.load(d)
    z = sg.scorer.z.astype(np.float64)
    q = sg.scorer.row["paper:pfs"]
    found = sg.suggest("PFS", k=100, types=ALL)
    for s in found:
        h = np.maximum((z[q] * z[sg.scorer.row[s.id]]) @ w0 + b0, 0.0) @ w1 + b1
        assert s.logit == pytest.approx(float(h[0]), abs=1e-5)  # float32 arithmetic
    assert [s.logit for s in found] == sorted((s.logit for s in found), reverse=True)


def test_suggestions_for_all(model_dir: Path) -> None:
    allsug = suggestions_for_all(model_dir, k=2, types=ALL)
    entity_ids = {n for n, a in NODES.items() if a["type"] != "post"}
    assert set(allsug) == entity_ids
    assert [d["id"] for d in allsug["paper:pfs"]] == EXPECTED[:2]
    first = allsug["paper:pfs"][0]
    assert set(first) == {"id", "label", "type", "score", "reasons"}
    assert first["reasons"]
    tied = suggestions_for_all(model_dir, k=4, types=ALL)["paper:pfs"]
    assert [d.get("tie") for d in tied] == [None, None, 1, 1]


def test_predictor_sources(tmp_path: Path, model_dir: Path) -> None:
    import kg.learn.predictor as pred_mod
    with np.load(model_dir / "embeddings.npz") as npz:
        ids, types, z = npz["ids"].tolist(), npz["types"].tolist(), npz["z"]
    kg = handmade_graph()
    pred = pred_mod.LinkPredictor(
        config={"graph_fingerprint": kg.fingerprint()},
        metrics={},
        timings={},
        ids=ids,
        types=types,
        z=z,
        decoder={"decoder": "dot"},
    )
    assert [s.id for s in suggest(pred, "PFS", graph=kg, types=ALL)] == EXPECTED
    # the keyword form LinkPredictor.suggest uses
    assert [s.id for s in suggest(pred, "PFS", graph=kg, k=3, types=ALL)] == EXPECTED[:3]
    assert list(suggestions_for_all(pred, graph=kg, k=1, types=ALL)["paper:pfs"][0].values())[0] == EXPECTED[0]
    with pytest.raises(ValueError, match="pass graph="):
        suggest(pred, "PFS", types=ALL)
    pred.path = model_dir  # graph.json beside it
    assert [s.id for s in suggest(pred, "PFS", types=ALL)] == EXPECTED
    pred.config["graph_fingerprint"] = "old"
    with pytest.warns(StaleModelWarning):
        suggest(pred, "PFS", graph=kg, types=ALL)


def test_same_files_same_ranking(model_dir: Path) -> None:
    a = [s.to_dict() for s in suggest(model_dir, "PFS", types=ALL)]
    b = [s.to_dict() for s in suggest(model_dir, "PFS", types=ALL)]
    assert a == b


@pytest.fixture(scope="module")
def trained_dirs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The trainable graph trained twice with the same seed (structure-only features)."""
    import torch

    import kg.learn.training as train_mod
    torch.set_num_threads(1)
    kg = trainable_graph()
    dirs = []
    for name in ("a", "b"):
        out = tmp_path_factory.mktemp(f"trained-{name}")
        kg.save(out)
        # structure-only features: Twin A and Twin B (each linked to ICLR only) are automorphic,
        # so a message-passing GNN must embed them identically
        train_mod.train(kg, epochs=5, hidden=8, seed=3, features="type", progress=False).save(out)
        dirs.append(out)
    return dirs


@pytest.mark.slow
def test_trained_model_same_seed_same_ranking_and_automorphic_nodes_tie(trained_dirs: list[Path]) -> None:
    rankings = []
    for out in trained_dirs:
        found = suggest(out, "PFS", k=100, types=ALL)
        rankings.append([(s.id, s.score, s.tie) for s in found])
    assert rankings[0] == rankings[1]
    by_id = {s.id: s for s in found}
    assert len(found) > 20  # a real ranking came back
    assert by_id["paper:twin-a"].tie is not None
    assert by_id["paper:twin-a"].tie == by_id["paper:twin-b"].tie
    assert "paper:twin-b" in by_id["paper:twin-a"].tied_with


@pytest.mark.slow
def test_saved_decoder_arrays_score_like_the_saved_torch_weights(trained_dirs: list[Path]) -> None:
    import torch

    import kg.learn.nn as nn
    import kg.learn.predictor as predictor
    out = trained_dirs[0]
    config = json.loads((out / "model.json").read_text(encoding="utf-8"))
    state = predictor.LinkPredictor.load(out).torch_state_dict()
    sg = Suggester.load(out)
    assert sg.scorer.decoder == config["decoder"]
    z = torch.from_numpy(sg.scorer.z)
    q = sg.scorer.row["paper:pfs"]
    pairs = torch.tensor([[q] * len(sg.scorer.ids), list(range(len(sg.scorer.ids)))])
    if config["decoder"] == "mlp":
        dec = nn.MLPDecoder(config["hidden"], layers=len(sg.scorer.layers))
        dec.load_state_dict({k[len("decoder."):]: v for k, v in state.items() if k.startswith("decoder.")})
        with torch.no_grad():
            want = dec(z[pairs[0]], z[pairs[1]]).numpy()
    else:
        want = (z[pairs[0]] * z[pairs[1]]).sum(-1).numpy()
    got = sg.scorer.logits(q, np.arange(len(sg.scorer.ids)))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_suggest_never_imports_torch_or_networkx(model_dir: Path) -> None:
    code = (
        "import sys; from kg.suggest.suggester import suggest; "
        f"r = suggest({str(model_dir)!r}, 'Pruning from Scratch', types={ALL!r}); "
        "print(len(r), 'torch' in sys.modules, 'networkx' in sys.modules, 'rapidfuzz' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.split() == [str(len(EXPECTED)), "False", "False", "False"]


def test_format_without_suggestions() -> None:
    assert "already linked" in format_suggestions("X", [])
    s = Suggestion(1, "paper:a", "A", "paper", 0.5)
    assert format_suggestions("X", [s]).splitlines()[1] == " 1. A  [paper]  0.5000"


def test_compact_cache_is_used_and_invalidated(tmp_path: Path) -> None:
    d = write_model_dir(tmp_path)
    cache = d / SUGGEST_CACHE
    first = Suggester.load(d)
    assert cache.exists() and first.index._csr is None  # built from graph.json, cache written
    second = Suggester.load(d)
    assert second.index._csr is not None  # read from the cache
    assert [s.to_dict() for s in second.suggest("PFS", types=ALL)] == [s.to_dict() for s in first.suggest("PFS", types=ALL)]
    assert second.find_one("network pruning") == "topic:pruning"
    # editing the graph invalidates the cache and the model becomes stale
    data = json.loads((d / "graph.json").read_text(encoding="utf-8"))
    data["nodes"].append({"id": "paper:new", "type": "paper", "label": "New"})
    (d / "graph.json").write_text(json.dumps(data), encoding="utf-8")
    third = Suggester.load(d)
    assert third.index._csr is None and third.stale and "paper:new" in third.index.nodes
    assert Suggester.load(d).stale  # the stale verdict is cached too
    # a broken cache is ignored and rewritten
    cache.write_text("{broken", encoding="utf-8")
    assert Suggester.load(d).stale and read_index(cache)["stale"] is True
    # the index is binary and numeric: no wide string arrays, nothing pickled
    with np.load(cache, allow_pickle=False) as npz:
        assert all(npz[k].dtype.kind in "uif" for k in npz.files)
    # replacing the embeddings invalidates it too (their ids are kept in the index)
    with np.load(d / "embeddings.npz") as npz:
        arrays = {k: npz[k] for k in npz.files}
    np.savez(d / "embeddings.npz", **{**arrays, "z": arrays["z"] * 2})
    assert read_index(cache) is None and Suggester.load(d).index._csr is None


def test_index_survives_a_copied_folder_and_matches_graph_json(tmp_path: Path) -> None:
    import shutil

    d = write_model_dir(tmp_path / "a")
    first = Suggester.load(d)
    copy = tmp_path / "b"
    shutil.copytree(d, copy, copy_function=shutil.copy)  # new modification times, same bytes
    hit = read_index(copy / SUGGEST_CACHE)
    assert hit is not None  # the SHA-256 still matches
    fresh = Suggester.load(copy, cache=False)
    from kg.graph.adjacency import COMPACT_ATTRS

    for nid, attrs in fresh.index.nodes.items():
        assert hit["index"].nodes[nid] == {k: attrs[k] for k in COMPACT_ATTRS if k in attrs}
        assert hit["index"].neighbors(nid) == fresh.index.neighbors(nid)
    assert hit["index"].sections == fresh.index.sections
    assert [s.to_dict() for s in first.suggest("PFS", types=ALL)] == [
        s.to_dict() for s in fresh.suggest("PFS", types=ALL)
    ]


def test_no_cache_and_unwritable_cache(tmp_path: Path) -> None:
    d = write_model_dir(tmp_path)
    Suggester.load(d, cache=False)
    assert not (d / SUGGEST_CACHE).exists()
    # a cache path that can be neither read nor replaced (works even when run as root)
    (d / SUGGEST_CACHE).mkdir()
    assert [s.id for s in suggest(d, "PFS", types=ALL)] == EXPECTED
    assert [p.name for p in d.iterdir() if p.name.startswith(".suggest-index")] == []


def test_suggestions_for_all_equals_one_query_at_a_time(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    dec = {"decoder": np.array("mlp"), "dec_w0": rng.normal(size=(3, 5)), "dec_b0": rng.normal(size=5),
           "dec_w1": rng.normal(size=(5, 1)), "dec_b1": rng.normal(size=1)}
    for decoder in (None, dec):
        d = write_model_dir(tmp_path / ("dot" if decoder is None else "mlp"), decoder=decoder)
        sg = Suggester.load(d)
        allsug = sg.suggestions_for_all(k=3, types=ALL)
        for nid, got in allsug.items():
            one = sg.suggest(nid, k=3, types=ALL)  # the page shows what the command prints
            want = [{k: v for k, v in s.to_dict().items() if k != "rank"} for s in one]
            assert [g["id"] for g in got] == [w["id"] for w in want]
            np.testing.assert_allclose([g["score"] for g in got], [w["score"] for w in want], rtol=1e-6)
            assert [g["reasons"] for g in got] == [w["reasons"] for w in want]


def test_docstring_examples_run() -> None:
    import doctest

    import kg.suggest.suggester

    result = doctest.testmod(kg.suggest.suggester, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_equal_scores_from_different_embeddings_are_not_ties(tmp_path: Path) -> None:
    d = write_model_dir(tmp_path)
    with np.load(d / "embeddings.npz") as npz:
        arrays = {k: npz[k] for k in npz.files}
    ids = arrays["ids"].tolist()
    # Twin B now differs from Twin A, yet scores exactly the same for PFS (z_q = [1, 0, 0])
    arrays["z"][ids.index("paper:twin-b")] = [0.5, 0.0, 1.0]
    np.savez(d / "embeddings.npz", **arrays)
    found = suggest(d, "PFS", types=ALL)
    assert [s.id for s in found] == EXPECTED
    assert found[2].logit == found[3].logit
    assert [s.tie for s in found] == [None] * 7
    assert "=tie" not in format_suggestions("PFS", found)


@pytest.mark.slow
def test_link_predictor_suggest_twin(trained_dirs: list[Path]) -> None:
    """LinkPredictor.suggest / suggestions_for_all delegate here and agree with the folder."""
    import kg.learn.predictor as predictor
    out = trained_dirs[0]
    p = predictor.LinkPredictor.load(out)
    want = [s.to_dict() for s in suggest(out, "PFS", k=5, types=ALL)]
    assert [s.to_dict() for s in p.suggest("PFS", k=5, types=ALL)] == want
    assert [s.to_dict() for s in p.suggest("PFS", k=5, graph=trainable_graph(), types=ALL)] == want
    html = p.suggestions_for_all(k=2, graph=trainable_graph())
    assert [d["id"] for d in html["paper:pfs"]] == [s.id for s in suggest(out, "PFS", k=2)]


def test_fingerprint_and_index_on_the_real_seed_graph(seed_post: Path, tmp_path: Path) -> None:
    import kg.pipeline as build
    kg = build.build([str(seed_post)])
    kg.save(tmp_path)
    data = json.loads((tmp_path / "graph.json").read_text(encoding="utf-8"))
    assert graph_fingerprint(data) == kg.fingerprint()
    from kg.graph.adjacency import GraphIndex

    index = GraphIndex.from_node_link(data)
    assert len(index.nodes) == len(kg)
    # every edge appears once from each end, with its relation
    assert sum(len(rels) for nbs in index.adj.values() for rels in nbs.values()) == 2 * kg.number_of_edges()


def test_fingerprint_with_parallel_edges(tmp_path: Path) -> None:
    from kg.graph.knowledge_graph import KnowledgeGraph

    nodes = {
        "post:p": {"type": "post", "label": "P", "path": "p.md"},
        "topic:t": {"type": "topic", "label": "T"},
        "venue:v": {"type": "venue", "label": "V"},
    }
    edges = [
        ("post:p", "venue:v", "tagged", {"relation": "tagged"}),
        ("post:p", "topic:t", "tagged", {"relation": "tagged"}),
        ("post:p", "topic:t", "mentions", {"relation": "mentions"}),
        ("post:p", "venue:v", "mentions", {"relation": "mentions"}),
    ]
    for order in (edges, edges[::-1]):
        kg = KnowledgeGraph.from_records(nodes, order)
        kg.save(tmp_path)
        data = json.loads((tmp_path / "graph.json").read_text(encoding="utf-8"))
        assert graph_fingerprint(data) == kg.fingerprint()


def test_resolve_finds_the_acronym_in_a_labels_parentheses() -> None:
    from kg.graph.knowledge_graph import KnowledgeGraph

    ids = ["topic:gan", "method:lisgan", "method:cyclegan", "method:wgan"]
    labels = ["Generative Adversarial Network (GAN)", "LisGAN", "CycleGAN", "WGAN"]
    kg = KnowledgeGraph.from_records(
        {i: {"type": i.partition(":")[0], "label": lab} for i, lab in zip(ids, labels, strict=True)}, []
    )
    sg = Suggester.from_arrays(kg, ids, [i.partition(":")[0] for i in ids], np.eye(4, dtype=np.float32))
    assert sg.find_one("GAN") == "topic:gan"
    assert sg.find_one("generative adversarial network") == "topic:gan"


def _with_ranker(directory: Path, ranker: dict) -> Path:
    meta = json.loads((directory / "model.json").read_text(encoding="utf-8"))
    meta["ranker"] = ranker
    (directory / "model.json").write_text(json.dumps(meta), encoding="utf-8")
    return directory


def test_answers_follow_the_query_type(tmp_path: Path) -> None:
    from kg.suggest.related import EVIDENCE_RANKER

    d = _with_ranker(write_model_dir(tmp_path), EVIDENCE_RANKER.to_json())
    assert {s.type for s in suggest(d, "PFS", k=100)} == {"paper"}
    assert {s.type for s in suggest(d, "模型剪枝", k=100)} <= {"paper", "method"}
    assert {s.type for s in suggest(d, "post:valse", k=100)} <= {"paper", "method"}
    assert {s.type for s in suggest(d, "PFS", k=100, types=["topic"])} == {"topic"}


def test_small_graph_ranks_by_evidence_and_says_so(tmp_path: Path) -> None:
    from kg.suggest.related import EVIDENCE_RANKER

    d = _with_ranker(write_model_dir(tmp_path), EVIDENCE_RANKER.to_json())
    sg = Suggester.load(d)
    assert sg.note and "too small" in sg.note
    found = sg.suggest("PFS", k=10)
    # listed under the same section and named in the same note first (the one sharing the
    # title word "pruning" ahead); the twins, which share only a venue, last
    assert [s.id for s in found[:2]] == ["paper:rethinking", "paper:lth"]
    assert found[0].score > 0.5 > found[-1].score
    assert {s.id for s in found[-2:]} == {"paper:twin-a", "paper:twin-b"}
    assert all(s.tie is None for s in found)  # no model in the ranking: nothing is a model tie
    assert format_suggestions("PFS", found, note=sg.note).startswith("Note: the graph is too small")
    # the page gets exactly what the command prints
    page = sg.suggestions_for_all(k=5)["paper:pfs"]
    assert page == [{k: v for k, v in s.to_dict().items() if k != "rank"} for s in sg.suggest("PFS", k=5)]


def test_ranked_page_in_threads_equals_the_page_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page's ranked suggestions, blocks of queries side by side on two cores, are those
    of one query at a time (lazily built indexes included: each run starts from a fresh load)."""
    import kg.parallel as parallel
    from kg.suggest.related import FEATURES, Ranker

    weights = [0.5] * len(FEATURES)
    d = _with_ranker(write_model_dir(tmp_path), Ranker("learned", weights, -1.0).to_json())
    pages = []
    for workers in (2, 1):
        monkeypatch.setattr(parallel, "_workers", lambda tasks, w=workers: min(w, tasks))
        sg = Suggester.load(d, cache=False)
        assert sg.ranker is not None
        monkeypatch.setattr(sg.scorer, "rows_per_block", lambda m: 1)  # one block per query
        pages.append(sg.suggestions_for_all(k=4))
    threaded, in_order = pages
    assert len(threaded) > 3 and list(threaded) == list(in_order)
    for nid, got in threaded.items():
        want = in_order[nid]
        assert [g["id"] for g in got] == [w["id"] for w in want]
        assert [g["reasons"] for g in got] == [w["reasons"] for w in want]
        np.testing.assert_allclose([g["score"] for g in got], [w["score"] for w in want], rtol=1e-12)


def test_learned_ranker_scores_from_model_json(tmp_path: Path) -> None:
    from kg.suggest.related import FEATURES, Ranker

    weights = [0.0] * len(FEATURES)
    weights[FEATURES.index("gnn")] = 1.0
    r = Ranker("learned", weights, 0.0)
    d = _with_ranker(write_model_dir(tmp_path), r.to_json())
    found = suggest(d, "PFS", types=ALL)
    # the GNN feature alone with weight 1: the ranking and ties of the decoder itself
    assert [s.id for s in found] == EXPECTED
    assert found[0].score == pytest.approx(1 / (1 + np.exp(-0.9)))
    assert [s.tie for s in found] == [None, None, 1, 1, None, None, None]


def test_top_is_the_start_of_the_full_order() -> None:
    n = 3000
    data = {"nodes": [{"id": f"paper:{i:04d}", "type": "paper"} for i in range(n)], "links": []}
    rng = np.random.default_rng(3)
    s = Suggester.from_arrays(data, [d["id"] for d in data["nodes"]], ["paper"] * n,
                              rng.normal(size=(n, 4)).astype(np.float32))
    cands = rng.permutation(n)[: n - 7]
    for logits in (
        rng.normal(size=cands.size),  # distinct: cut to the best few
        np.round(rng.normal(size=cands.size), 1),  # many equal: ties at the cut keep everything
        np.zeros(cands.size),
    ):
        order = s._order(cands, logits)
        ranked, ranked_logits = s._top(cands, logits, 5)
        assert ranked.size < cands.size or np.unique(logits).size < cands.size
        np.testing.assert_array_equal(ranked, cands[order][: ranked.size])
        np.testing.assert_array_equal(ranked_logits, logits[order][: ranked.size])
    assert s._top(cands, rng.normal(size=cands.size), 5)[0].size == 4 * 5 + 64
