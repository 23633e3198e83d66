"""kg.build: the seed graph, file discovery, bad files, cache, parallel extraction, outputs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import networkx as nx
import pytest

from kg.graph.knowledge_graph import KnowledgeGraph
from kg.graph.resolution import resolve
from kg.graph.schema import RELATIONS, node_id
from kg.notes.records import Extraction, Mention, Post
from kg.pipeline import BuildReport, assemble, build, discover, extract_all, write_outputs

TOPICS = ["模型压缩", "图神经网络", "场景文字检测与识别", "元学习"]
SUBTOPICS = {
    "场景文字检测": "场景文字检测与识别",
    "场景文字识别": "场景文字检测与识别",
    "端到端场景文字识别": "场景文字检测与识别",
    "元学习方法论": "元学习",
    "元学习技术应用": "元学习",
}
METHODS = [
    "Rethinking Network Pruning",
    "Data-free Compression",
    "NAS for compact networks",
    "NLP compression",
    "Hardware-software Co-design",
    "few-shot learning",
    "NAS",
    "hyper-parameter learning",
    "continual learning",
    "domain generalization",
    "learning with bias data",
]
PAPERS = {  # label -> (venue, year)
    "Pruning from Scratch": ("AAAI", 2020),
    "Data-free Learning of Student Networks": ("ICCV", 2019),
    "Post trainning 4-bit quentization of concolutional networks for rapid-deployment": (
        "NeurIPS",
        2019,
    ),
    "Towards accurate post-training network quantization via bit-split stitching": (
        "ICML",
        2020,
    ),
    "Lottery Ticket Hypothesis": (None, None),
    "Rethinking the Value of Network Pruning": (None, None),
}
NOTES = {
    "Data-free Learning of Student Networks": "GAN 生成训练样本",
    "Rethinking the Value of Network Pruning": "pruning is an architecture search paradigm",
}


@pytest.fixture(scope="module")
def seed_kg(seed_post: Path) -> KnowledgeGraph:
    return build([seed_post.parent])


def test_seed_topics_and_subtopics(seed_kg: KnowledgeGraph) -> None:
    g = seed_kg.graph
    for label in TOPICS:
        assert g.nodes[node_id("topic", label)]["type"] == "topic"
    for child, parent in SUBTOPICS.items():
        cid, pid = node_id("topic", child), node_id("topic", parent)
        assert g.nodes[cid]["label"] == child
        assert g.has_edge(cid, pid, key="subtopic_of")


def test_seed_methods(seed_kg: KnowledgeGraph) -> None:
    methods = {n["label"] for n in seed_kg.nodes("method")}
    assert methods == set(METHODS)
    g = seed_kg.graph
    assert g.has_edge("method:data-free-compression", "topic:模型压缩", key="part_of")
    assert g.has_edge("method:continual-learning", "topic:元学习技术应用", key="part_of")


def test_seed_papers_venues_and_years(seed_kg: KnowledgeGraph) -> None:
    g = seed_kg.graph
    papers = {n["label"]: n for n in seed_kg.nodes("paper")}
    assert set(papers) == set(PAPERS)
    for label, (venue, year) in PAPERS.items():
        node = papers[label]
        assert node["id"] == node_id("paper", label)
        assert (node["venue"], node["year"]) == (venue, year)
        out = [(v, d) for _, v, k, d in g.out_edges(node["id"], keys=True, data=True)]
        published = [(v, d["year"]) for v, d in out if d["relation"] == "published_at"]
        assert published == ([(node_id("venue", venue), year)] if venue else [])
    assert g.has_edge(
        "paper:pruning-from-scratch", "method:rethinking-network-pruning", key="part_of"
    )


def test_seed_valse_tagged_from_front_matter(seed_kg: KnowledgeGraph) -> None:
    g = seed_kg.graph
    (post,) = [n["id"] for n in seed_kg.nodes("post")]
    assert post == "post:seeds-valse2020-apr"
    assert g.nodes[post]["path"] == "seeds/valse2020-apr.md"
    assert g.nodes["venue:valse"]["label"] == "VALSE"
    edge = g.edges[post, "venue:valse", "tagged"]
    assert edge["year"] == 2020


def test_seed_commentary_is_notes_not_nodes(seed_kg: KnowledgeGraph) -> None:
    g = seed_kg.graph
    for label, note in NOTES.items():
        assert note in g.nodes[node_id("paper", label)]["notes"]
        assert not [n for n, d in g.nodes(data=True) if d["label"] == note]


def test_seed_graph_follows_the_schema(seed_kg: KnowledgeGraph) -> None:
    g = seed_kg.graph
    for n, d in g.nodes(data=True):
        assert n.startswith(d["type"] + ":")
        assert {"type", "label", "aliases", "sources", "notes"} <= set(d)
        if d["type"] == "paper":
            assert {"venue", "year", "url", "ids", "authors"} <= set(d)
        for src in d["sources"]:
            assert set(src) == {"path", "line"} and src["line"] >= 1
    for u, v, k, d in g.edges(keys=True, data=True):
        assert k == d["relation"]
        sources, targets, _ = RELATIONS[k]
        assert g.nodes[u]["type"] in sources and g.nodes[v]["type"] in targets, (u, v, k)
    # every entity is reachable from the post
    post = "post:seeds-valse2020-apr"
    assert set(g.successors(post)) == set(g) - {post}


def test_build_is_deterministic(seed_post: Path) -> None:
    assert build([seed_post]).fingerprint() == build([seed_post.parent]).fingerprint()


def test_discover(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    for name in ["b/z.md", "a.MARKDOWN", ".git/x.md", "notes.txt", "b/.hidden.md"]:
        (tmp_path / name).write_text("# x\n", encoding="utf-8")
    files, skipped = discover([tmp_path, tmp_path / "b" / "z.md", tmp_path / "missing"])
    root = tmp_path.name
    assert [d for _, d in files] == [f"{root}/a.MARKDOWN", f"{root}/b/z.md"]
    assert [p for p, _ in files] == [tmp_path / "a.MARKDOWN", tmp_path / "b" / "z.md"]
    assert [str(s) for s in skipped] == [
        f"{tmp_path.as_posix()}/missing: no such file or directory"
    ]
    files, _ = discover([tmp_path], ext=["txt"])
    assert [d for _, d in files] == [f"{root}/notes.txt"]
    # a file named directly is always read, and is called as it is from its folder
    files, _ = discover([tmp_path / "notes.txt"])
    assert [d for _, d in files] == [f"{root}/notes.txt"]
    # the display path does not depend on the current folder
    cwd = os.getcwd()
    try:
        os.chdir(tmp_path / "b")
        assert discover(["."])[0] == [(Path("z.md"), "b/z.md")]
        assert discover([".."])[0][1][1] == f"{root}/b/z.md"
    finally:
        os.chdir(cwd)


def test_same_display_path_twice_keeps_the_given_path(tmp_path: Path) -> None:
    for d in ["x/notes", "y/notes"]:
        (tmp_path / d).mkdir(parents=True)
        (tmp_path / d / "a.md").write_text("# A\n")
    files, _ = discover([tmp_path / "x" / "notes", tmp_path / "y" / "notes"])
    assert [d for _, d in files] == ["notes/a.md", (tmp_path / "y/notes/a.md").as_posix()]


def test_bad_files_are_skipped_with_reasons(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text("# Pruning\n\n- Pruning from Scratch (AAAI2020)\n")
    (tmp_path / "bad-yaml.md").write_text("---\ntitle: [unclosed\n---\n# x\n")
    (tmp_path / "binary.md").write_bytes(b"\x00\x01\x02\xff\xfe" * 50)
    kg = build([tmp_path])
    report = kg.report
    assert isinstance(report, BuildReport)
    assert report.parsed == [f"{tmp_path.name}/good.md"]
    skipped = {Path(s.path).name: s.reason for s in report.skipped}
    assert set(skipped) == {"bad-yaml.md", "binary.md"}
    for reason in skipped.values():
        assert reason and "\n" not in reason
    assert "paper:pruning-from-scratch" in kg


def test_relations_follow_the_nearest_allowed_parent() -> None:
    ms = [
        Mention(0, "topic", "Compression", 1),
        Mention(1, "method", "Pruning", 2, parent=0),
        Mention(2, "paper", "Paper A", 3, parent=1, venue="ICLR", year=2019),
        Mention(3, "paper", "Paper B", 4, parent=2),  # a paper under a paper -> the method
        Mention(4, "venue", "VALSE", 5, parent=0, year=2020),  # venues get no part_of
        Mention(5, "topic", "Tag", 1, origin="front_matter"),
    ]
    ext = Extraction(Post("n.md", "N"), ms)
    kg = assemble([ext], resolve([ext]))
    got = {(e["source"], e["target"], e["relation"]) for e in kg.edges() if e["source"] != "post:n"}
    assert got == {
        ("method:pruning", "topic:compression", "part_of"),
        ("paper:paper-a", "method:pruning", "part_of"),
        ("paper:paper-b", "method:pruning", "part_of"),
        ("paper:paper-a", "venue:iclr", "published_at"),
    }
    post_edges = {(e["target"], e["relation"]) for e in kg.edges() if e["source"] == "post:n"}
    assert ("topic:tag", "tagged") in post_edges and ("venue:valse", "mentions") in post_edges
    assert kg.node("venue:iclr")["sources"] == [{"path": "n.md", "line": 3}]


def test_cache_reuses_and_invalidates(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("# A\n\n- Pruning from Scratch (AAAI2020)\n")
    (notes / "b.md").write_text("# B\n\n- Graph Attention Networks (ICLR2018)\n")
    cache = tmp_path / "cache"
    first = build([notes], cache_dir=cache)
    assert first.report.cached == 0 and len(list(cache.glob("*.json"))) == 2
    second = build([notes], cache_dir=cache)
    assert second.report.cached == 2
    assert second.fingerprint() == first.fingerprint()
    (notes / "b.md").write_text("# B\n\n- Graph Attention Networks (ICLR2019)\n")
    third = build([notes], cache_dir=cache)
    assert third.report.cached == 1
    assert third.node("paper:graph-attention-networks")["year"] == 2019
    # a damaged entry is recomputed, not trusted
    for f in cache.glob("*.json"):
        f.write_text("{not json")
    assert build([notes], cache_dir=cache).fingerprint() == third.fingerprint()


def test_parallel_extraction_matches_serial(seed_post: Path, tmp_path: Path) -> None:
    for i in range(6):
        (tmp_path / f"n{i}.md").write_text(f"# T{i}\n\n- Paper number {i} (CVPR2019)\n")
    (tmp_path / "seed.md").write_bytes(seed_post.read_bytes())
    files, _ = discover([tmp_path])
    serial, _ = extract_all(files, jobs=1)
    parallel, _ = extract_all(files, jobs=2)
    assert [e.to_dict() for e in serial] == [e.to_dict() for e in parallel]
    assert build([tmp_path], jobs=2).fingerprint() == build([tmp_path], jobs=1).fingerprint()


def test_write_outputs_all_or_nothing(seed_kg: KnowledgeGraph, tmp_path: Path, monkeypatch) -> None:
    files = write_outputs(seed_kg, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "graph.graphml",
        "graph.html",
        "graph.json",
    ]
    assert files["json"] == tmp_path / "graph.json"
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    data = json.loads(before["graph.json"])
    assert nx.node_link_graph(data, edges="links").number_of_nodes() == len(seed_kg)
    assert nx.read_graphml(tmp_path / "graph.graphml").number_of_nodes() == len(seed_kg)
    mode = os.stat(tmp_path / "graph.html").st_mode & 0o777
    assert mode == os.stat(tmp_path / "graph.json").st_mode & 0o777

    import kg.render

    def broken(*args, **kwargs):
        raise RuntimeError("renderer failed")

    monkeypatch.setattr(kg.render, "write_html", broken)
    smaller = KnowledgeGraph.from_records({"topic:x": {"type": "topic", "label": "X"}}, [])
    with pytest.raises(RuntimeError, match="renderer failed"):
        write_outputs(smaller, tmp_path)
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert after == before  # old files intact, no temporary files left


def test_outputs_prepared_ahead_are_the_same_files(seed_kg: KnowledgeGraph, tmp_path: Path) -> None:
    """kg build writes the graph files and lays out the page while the model trains
    (prepare_outputs), then finishes them: the files are those of one write_outputs."""
    from kg.pipeline import prepare_outputs

    big = _big_graph(1200)  # large enough for a layout computed in Python
    for name, graph in (("seed", seed_kg), ("big", big)):
        at_once, ahead = tmp_path / f"{name}-once", tmp_path / f"{name}-ahead"
        write_outputs(graph, at_once, title="T")
        prepared = prepare_outputs(graph, ahead)
        graph_files = sorted(prepared.temps[k].name for k in ("json", "graphml"))
        assert sorted(p.name for p in ahead.iterdir()) == graph_files  # under temporary names
        write_outputs(graph, ahead, title="T", prepared=prepared)
        assert {p.name: p.read_bytes() for p in ahead.iterdir()} == {
            p.name: p.read_bytes() for p in at_once.iterdir()
        }
    dropped = prepare_outputs(seed_kg, tmp_path / "dropped")
    dropped.discard()
    assert list((tmp_path / "dropped").iterdir()) == []
    other = prepare_outputs(seed_kg, tmp_path / "dropped")  # with a page
    with pytest.raises(ValueError, match="another set of files"):
        write_outputs(seed_kg, tmp_path / "dropped", html=False, prepared=other)
    assert list((tmp_path / "dropped").iterdir()) == []  # the temporaries are removed


@pytest.mark.corpus
@pytest.mark.slow
def test_blog_corpus_builds(blog_dir: Path) -> None:
    kg = build([blog_dir])
    report = kg.report
    assert len(report.parsed) >= 250
    for s in report.skipped:
        assert s.reason and "\n" not in s.reason
    counts = kg.counts()
    assert counts["post"] == len(report.parsed)
    assert counts["paper"] > 1000 and counts["topic"] > 100 and counts["venue"] > 10
    g = kg.graph
    cvpr = [d for _, v, k, d in g.in_edges("venue:cvpr", keys=True, data=True)]
    published = [d for d in cvpr if d["relation"] == "published_at"]
    assert len(published) > 100
    assert sum(1 for d in published if isinstance(d.get("year"), int)) > 100
    assert {d["relation"] for d in cvpr} == {"published_at", "mentions"}


def _big_graph(n: int = 1200) -> KnowledgeGraph:
    nodes = {
        f"topic:t{i}": {
            "type": "topic",
            "label": f"T{i} <&>",
            "aliases": [],
            "sources": [],
            "notes": [],
        }
        for i in range(n)
    }
    edges = [
        (f"topic:t{i}", f"topic:t{i // 2}", "subtopic_of", {"relation": "subtopic_of"})
        for i in range(1, n)
    ]
    return KnowledgeGraph.from_records(nodes, edges)


@pytest.mark.parametrize(
    "code",
    [
        "import kg; print(kg.build([{p!r}]).counts()['paper'])",
        "import kg.pipeline, kg; print(kg.build([{p!r}]).counts()['paper'])",  # module first
    ],
)
def test_kg_build_is_callable_in_any_import_order(seed_post: Path, code: str) -> None:
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", code.format(p=str(seed_post))],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "6"


def test_training_failure_still_writes_the_graph(
    seed_post: Path, tmp_path: Path, monkeypatch
) -> None:
    import kg.learn.training
    from kg.pipeline import build_to

    def broken(*args, **kwargs):
        raise RuntimeError("no edges to learn from\nsecond line")

    monkeypatch.setattr(kg.learn.training, "train", broken)
    result = build_to([seed_post], tmp_path, train=True)
    assert result.train_error == "RuntimeError: no edges to learn from second line"
    assert result.predictor is None
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "graph.graphml",
        "graph.html",
        "graph.json",
    ]


def test_build_ranks_held_out_links_as_kg_eval_does(seed_post: Path, tmp_path: Path) -> None:
    """The training line's figure, computed beside the writing, is kg eval's by default."""
    from kg.learn.evaluation import DEFAULT_QUERIES, evaluate
    from kg.learn.predictor import LinkPredictor
    from kg.pipeline import build_to

    result = build_to([seed_post], tmp_path / "out", train=True)
    assert result.predictor is not None and result.ranking is not None
    saved = LinkPredictor.load(tmp_path / "out")
    again = evaluate(KnowledgeGraph.load(tmp_path / "out"), saved, baselines=(),
                     max_queries=DEFAULT_QUERIES)["results"]["gnn"]
    assert result.ranking == pytest.approx(again, rel=1e-9)


def _paper_index(kg: KnowledgeGraph) -> dict[str, dict]:
    from kg.notes.names import title_key

    index = {}
    for n in kg.nodes("paper"):
        for name in [n["label"], *n["aliases"]]:
            index.setdefault(title_key(name), n)
    return index


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.parametrize(
    "corpus, pattern, floor",
    [
        # `1. **Title.** VENUE YEAR. [paper](...)`
        ("gnn", r"^\d+\. \*\*(?P<title>.+?)\.\*\* [^\[]*?(?P<year>(?:19|20)\d\d)\. \[", 0.95),
        # `- [VENUE YEAR] Title` (bullets without link groups before the title)
        (
            "fewshot",
            r"^\s*- \[[A-Za-z][\w ]*? (?P<year>(?:19|20)\d\d)\] (?P<title>[A-Za-z].+)$",
            0.9,
        ),
    ],
)
def test_paper_lists_become_distinct_papers_with_years(
    corpus: str, pattern: str, floor: float, gnn_list: Path, fewshot_list: Path
) -> None:
    """The graph, after resolution, keeps one paper per listed title, with its year."""
    import re

    from kg.notes.names import title_key

    root = gnn_list if corpus == "gnn" else fewshot_list
    entries = {}
    for f in sorted(root.rglob("*.md")):
        for line in f.read_text(encoding="utf-8").splitlines():
            m = re.match(pattern, line)
            if m:
                entries.setdefault(title_key(m["title"].strip()), int(m["year"]))
    assert len(entries) > (400 if corpus == "gnn" else 250)
    index = _paper_index(build([root]))
    found = {k: index.get(k) for k in entries}
    hits = [k for k, n in found.items() if n is not None and n["year"] == entries[k]]
    assert len(hits) >= floor * len(entries), (len(hits), len(entries))
    # distinct titles stay distinct nodes (resolution merged no two listed papers)
    nodes = [found[k]["id"] for k in hits]
    assert len(set(nodes)) >= 0.99 * len(nodes)


def test_repeated_items_keep_a_short_source_list_and_a_count(tmp_path: Path) -> None:
    (tmp_path / "same.md").write_text(
        "# Same\n\n" + "- Graph Attention Networks (ICLR2018)\n" * 1000, encoding="utf-8"
    )
    (tmp_path / "other.md").write_text(
        "# Other\n\n- Graph Attention Networks (ICLR2018)\n", encoding="utf-8"
    )
    g = build([tmp_path])
    paper = g.node("paper:graph-attention-networks")
    assert paper["source_count"] == 1001
    by_file = {}
    for src in paper["sources"]:
        by_file[src["path"]] = by_file.get(src["path"], 0) + 1
    assert by_file == {f"{tmp_path.name}/other.md": 1, f"{tmp_path.name}/same.md": 20}
    venue = g.node("venue:iclr")
    assert len(venue["sources"]) <= 200


def test_stale_cache_temporaries_are_removed(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    old, fresh = cache / ".abc.json.x1.tmp", cache / ".def.json.x2.tmp"
    old.write_text("{")
    fresh.write_text("{")
    os.utime(old, (0, 0))
    (tmp_path / "a.md").write_text("# A\n\n- Pruning from Scratch (AAAI2020)\n")
    extract_all([(tmp_path / "a.md", "a.md")], cache_dir=cache)
    assert not old.exists() and fresh.exists()


def test_discover_leaves_out_repository_files(tmp_path: Path) -> None:
    for name in ["SOURCE.md", "LICENSE.md", "CONTRIBUTING.md", "source.md", "Notes.md"]:
        (tmp_path / name).write_text("# x\n", encoding="utf-8")
    files, skipped = discover([tmp_path])
    assert sorted(d.split("/")[-1] for _, d in files) == ["Notes.md", "source.md"]
    assert skipped == []
    # named on the command line, it is read
    assert [d for _, d in discover([tmp_path / "SOURCE.md"])[0]] == [f"{tmp_path.name}/SOURCE.md"]
