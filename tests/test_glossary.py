"""kg.notes.glossary and the bilingual graph: one node per concept, whichever language names it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.graph.schema import node_id
from kg.notes.glossary import (
    AliasError,
    default_glossary,
    is_housekeeping_tag,
    load_aliases,
    term_key,
    to_simplified,
)
from kg.pipeline import build


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def test_glossary_is_large_bilingual_and_unambiguous() -> None:
    g = default_glossary()
    pairs = [t for t in g.terms if t.zh]
    assert len(pairs) >= 300 and sum(bool(t.abbr) for t in g.terms) >= 100
    assert {t.kind for t in g.terms} <= {"method", "topic", "paradigm"}
    owner: dict[str, str] = {}
    for t in g.terms:  # no name belongs to two concepts
        for name in (t.en, *t.zh, *t.also):
            assert owner.setdefault(term_key(name), t.en) == t.en, name


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("GCN", "图卷积网络"),
        ("graph convolutional networks", "图卷积"),
        ("元学习", "meta-learning"),
        ("模型压缩", "Model Compression"),
        ("剪枝", "pruning"),
        ("场景文字检测", "scene text detection"),
        ("圖神經網絡", "GNN"),  # traditional script
        ("知識蒸餾", "knowledge distillation"),
    ],
)
def test_names_in_either_language_are_one_concept(a: str, b: str) -> None:
    g = default_glossary()
    assert g.lookup(a) is not None and g.lookup(a) is g.lookup(b)


def test_distinct_concepts_stay_apart() -> None:
    g = default_glossary()
    assert g.lookup("GAN") is not g.lookup("GAT")
    assert g.lookup("instance segmentation") is not g.lookup("semantic segmentation")
    assert g.lookup("gan") is None  # acronyms match only as written
    assert g.lookup("pruning methods") is None  # a whole name, not a part
    # a named variant is its own concept, not a spelling of the general one
    for variant, general in (("fast style transfer", "style transfer"), ("max pooling", "pooling"),
                             ("平均池化", "池化")):  # fmt: skip
        assert g.lookup(variant) is not g.lookup(general), variant


def test_a_merged_heading_keeps_its_own_words(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# Notes\ntext\n## Style Transfer\nx\n## Fast Style Transfer\ny\n",
                                   encoding="utf-8")  # fmt: skip
    labels = sorted(d["label"] for d in build([tmp_path]).nodes("topic"))
    assert labels == ["Fast Style Transfer", "Style Transfer"]


def test_traditional_and_simplified_are_one_script() -> None:
    assert to_simplified("深度學習與強化學習") == "深度学习与强化学习"
    assert term_key("元學習") == term_key("元学习")


def test_bilingual_notes_make_one_node_with_both_labels(tmp_path: Path) -> None:
    _write(tmp_path, "zh.md", "# 图卷积网络\n\n- Semi-Supervised Classification with Graph "
                              "Convolutional Networks (ICLR2017)\n\n# 元學習\n\n正文。\n")
    _write(tmp_path, "en.md", "# Graph Convolutional Networks\n\nGCNs aggregate neighbours.\n\n"
                              "# Meta-Learning\n\nLearning to learn.\n")
    kg = build([tmp_path])
    topics = {n["id"]: n for n in kg.nodes("topic")}
    gcn = [n for n in topics.values() if n.get("term") == "graph convolutional network"]
    meta = [n for n in topics.values() if n.get("term") == "meta-learning"]
    assert len(gcn) == 1 and len(meta) == 1
    names = {gcn[0]["label"], *gcn[0]["aliases"]}
    assert {"图卷积网络", "Graph Convolutional Networks", "GCN"} <= names
    assert {"元學習", "Meta-Learning", "元学习", "meta-learning"} <= {meta[0]["label"], *meta[0]["aliases"]}
    posts = {s["path"] for s in gcn[0]["sources"]}
    assert posts == {f"{tmp_path.name}/zh.md", f"{tmp_path.name}/en.md"}


def test_seed_topics_carry_their_english_names(seed_post: Path) -> None:
    g = build([seed_post]).graph
    for zh, en in [("元学习", "meta-learning"), ("模型压缩", "model compression"),
                   ("图神经网络", "graph neural network"), ("场景文字检测", "scene text detection")]:
        node = g.nodes[f"topic:{zh}"]
        assert node["label"] == zh and en in node["aliases"] and node["term"] == en


def test_pruning_in_chinese_carries_its_english_name(tmp_path: Path) -> None:
    _write(tmp_path, "a.md", "# 剪枝\n\n- Pruning from Scratch (AAAI2020)\n")
    node = build([tmp_path]).graph.nodes["topic:剪枝"]
    assert "pruning" in node["aliases"]


def test_gan_the_method_is_not_a_post_titled_gan(tmp_path: Path) -> None:
    _write(tmp_path, "gan.md", "---\ntitle: GAN\n---\n# 生成对抗网络\n\n- DCGAN\n- WGAN\n- CycleGAN\n")
    kg = build([tmp_path])
    types = {n["id"]: n["type"] for n in kg.nodes()}
    assert types[node_id("post", f"{tmp_path.name}/gan")] == "post"
    assert kg.graph.nodes["topic:生成对抗网络"]["term"] == "generative adversarial network"
    assert "GAN" in kg.graph.nodes["topic:生成对抗网络"]["aliases"]


def test_alias_file_merges_user_names(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    _write(notes, "a.md", "# 混合密度网络\n\n正文。\n")
    _write(notes, "b.md", "# Mixture Density Networks\n\nText.\n")
    aliases = tmp_path / "aliases.yaml"
    aliases.write_text("Mixture Density Network: [MDN, 混合密度网络, Mixture Density Networks]\n",
                       encoding="utf-8")
    separate = build([notes])
    assert len(list(separate.nodes("topic"))) == 2
    merged = build([notes], aliases=aliases)
    (node,) = merged.nodes("topic")
    assert {"混合密度网络", "Mixture Density Networks", "MDN"} <= {node["label"], *node["aliases"]}


def test_bad_alias_file_names_file_and_line(tmp_path: Path) -> None:
    p = tmp_path / "aliases.yaml"
    p.write_text("GCN: [graph convolution]\nGAT: {a: 1}\n", encoding="utf-8")
    with pytest.raises(AliasError, match=r"aliases\.yaml: line 2: aliases of 'GAT'"):
        load_aliases(p)
    p.write_text("a: [b\n", encoding="utf-8")
    with pytest.raises(AliasError, match=r"aliases\.yaml: line \d+: "):
        load_aliases(p)


def test_tags_split_normalised_and_housekeeping_kept_apart(tmp_path: Path) -> None:
    _write(tmp_path, "a.md", "---\ntitle: A\ntags: gan long-read generative-model math-heavy\n"
                             "categories: [AI, video_retrieval]\n---\n\nText.\n")
    _write(tmp_path, "b.md", "---\ntitle: B\ntags: [GAN, tutorial]\n---\n\nText.\n")
    kg = build([tmp_path])
    g = kg.graph
    topics = {n["label"] for n in kg.nodes("topic")}
    assert "gan long-read generative-model math-heavy" not in topics
    assert not {"long-read", "math-heavy", "tutorial"} & topics
    gan = [n for n in kg.nodes("topic") if n.get("term") == "generative adversarial network"]
    assert len(gan) == 1  # "gan" and "GAN" merged across notes
    a_id, b_id = node_id("post", f"{tmp_path.name}/a"), node_id("post", f"{tmp_path.name}/b")
    assert {e[0] for e in g.in_edges(gan[0]["id"])} == {a_id, b_id}
    assert any(n.get("term") == "video retrieval" for n in kg.nodes("topic"))
    a = g.nodes[a_id]
    assert {"long-read", "math-heavy", "gan", "video retrieval"} <= set(a["tags"])
    assert any("'long-read': housekeeping tag" in r for r in kg.report.rejected)


def test_housekeeping_tags() -> None:
    assert all(map(is_housekeeping_tag, ["long-read", "Math Heavy", "tutorial", "笔记"]))
    assert not any(map(is_housekeeping_tag, ["gan", "剪枝", "video retrieval"]))


def test_alias_file_overrides_a_rejection(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    _write(notes, "a.md", "# Design Choices\n\nText.\n\n# Graph Pooling\n\nText.\n")
    _write(notes, "b.md", "# Graph Pooling\n\nMore text.\n")  # two files: jobs=2 is a pool
    plain = build([notes])
    assert {n["label"] for n in plain.nodes("topic")} == {"Graph Pooling"}
    assert any("topic 'Design Choices'" in r for r in plain.report.rejected)
    aliases = tmp_path / "aliases.yaml"
    aliases.write_text("Design Choices: []\n", encoding="utf-8")
    for jobs in (1, 2):  # in this process and in worker processes
        kg = build([notes], aliases=aliases, jobs=jobs)
        assert {n["label"] for n in kg.nodes("topic")} == {"Design Choices", "Graph Pooling"}
    assert {n["label"] for n in build([notes]).nodes("topic")} == {"Graph Pooling"}


def test_contains_finds_the_longest_name_inside_a_text_as_a_scan_of_every_name_does() -> None:
    """contains reads only the names starting with one of the text's character pairs; it
    must answer what reading every name, longest first, answers."""
    import random

    from kg.notes.glossary import _CJK, default_glossary, term_key

    g = default_glossary()
    names = sorted(((k, t) for k, t in g._by_key.items() if len(k) >= (2 if _CJK.search(k) else 4)),
                   key=lambda kt: -len(kt[0]))

    def scan(text: str):  # noqa: ANN202 - a term or None
        key = term_key(text)
        return next((t for k, t in names if k in key), None)

    rng = random.Random(0)
    pool = [k for k, _ in names]
    texts = ["", "x", "元学习方法论", "Graph neural networks for few-shot learning", "度量学习与原型网络"]
    for _ in range(500):  # names glued together and cut, with noise around them
        parts = [rng.choice(pool)[rng.randrange(3):] for _ in range(rng.randrange(1, 4))]
        texts.append(rng.choice(["", "the ", "基于"]) + " ".join(parts) + rng.choice(["", " tips", "综述"]))
    found = 0
    for text in texts:
        got, want = g.contains(text), scan(text)
        assert got is want, text
        found += got is not None
    assert found > 300
