"""kg.notes.extraction (with kg.notes.papers): the seed, every citation style, notes, front matter, errors."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from kg.notes.extraction import clean_heading, extract, extract_file, is_method_name, judge_name
from kg.notes.parse import parse_text
from kg.notes.records import Extraction, Mention, Skipped

DATA = Path(__file__).parent / "data"


def _ex(path: Path) -> Extraction:
    ex = extract_file(path)
    assert isinstance(ex, Extraction), ex
    return ex


def _by_label(ex: Extraction, type_: str) -> dict[str, Mention]:
    return {m.label: m for m in ex.mentions if m.type == type_}


def _check_invariants(ex: Extraction) -> None:
    for i, m in enumerate(ex.mentions):
        assert m.key == i
        assert m.parent is None or 0 <= m.parent < i
        if m.parent is not None:
            assert ex.mentions[m.parent].type in ("topic", "method")
        if m.origin == "front_matter":
            assert m.parent is None and m.type in ("topic", "venue")
    lines = [m.line for m in ex.mentions if m.origin == "body"]
    assert lines == sorted(lines)  # document order


# ----------------------------------------------------------------------------- the seed


@pytest.fixture(scope="module")
def seed(seed_post: Path) -> Extraction:
    ex = extract_file(seed_post, "seeds/valse2020-apr.md")
    assert isinstance(ex, Extraction)
    return ex


def test_seed_post(seed: Extraction) -> None:
    assert seed.post.path == "seeds/valse2020-apr.md"
    assert seed.post.title.startswith("VALSE2020重要主题年度进展回顾一")
    assert seed.post.categories == ["VALSE2020"]
    _check_invariants(seed)


def test_seed_venue_from_front_matter(seed: Extraction) -> None:
    venues = [m for m in seed.mentions if m.type == "venue"]
    assert len(venues) == 1
    v = venues[0]
    assert (v.label, v.year, v.origin, v.line) == ("VALSE", 2020, "front_matter", 5)


def test_seed_topics_and_subtopics(seed: Extraction) -> None:
    topics = _by_label(seed, "topic")
    top = {"模型压缩", "图神经网络", "场景文字检测与识别", "元学习"}
    subs = {
        "场景文字检测": "场景文字检测与识别",
        "场景文字识别": "场景文字检测与识别",
        "端到端场景文字识别": "场景文字检测与识别",
        "元学习方法论": "元学习",
        "元学习技术应用": "元学习",
    }
    assert set(topics) == top | set(subs)  # 未来展望 is a generic heading, not a topic
    for t in top:
        assert topics[t].parent is None
    for child, parent in subs.items():
        assert seed.mentions[topics[child].parent].label == parent


def test_seed_methods(seed: Extraction) -> None:
    methods = _by_label(seed, "method")
    assert set(methods) == {
        "Rethinking Network Pruning", "Data-free Compression", "NAS for compact networks",
        "NLP compression", "Hardware-software Co-design", "few-shot learning", "NAS",
        "hyper-parameter learning", "continual learning", "domain generalization",
        "learning with bias data",
    }  # fmt: skip
    parent = {m: seed.mentions[methods[m].parent].label for m in methods}
    assert parent["Data-free Compression"] == "模型压缩"
    assert parent["learning with bias data"] == "元学习技术应用"


def test_seed_papers(seed: Extraction) -> None:
    papers = _by_label(seed, "paper")
    quant = "Post trainning 4-bit quentization of concolutional networks for rapid-deployment"
    stitch = "Towards accurate post-training network quantization via bit-split stitching"
    expected = {
        "Pruning from Scratch": ("AAAI", 2020, "Rethinking Network Pruning"),
        "Data-free Learning of Student Networks": ("ICCV", 2019, "Data-free Compression"),
        quant: ("NeurIPS", 2019, "Data-free Compression"),
        stitch: ("ICML", 2020, "Data-free Compression"),
        "Lottery Ticket Hypothesis": (None, None, "Rethinking Network Pruning"),
        "Rethinking the Value of Network Pruning": (None, None, "Rethinking Network Pruning"),
    }
    assert set(papers) == set(expected)
    for label, (venue, year, parent) in expected.items():
        m = papers[label]
        assert (m.venue, m.year, seed.mentions[m.parent].label) == (venue, year, parent), label
    assert papers[quant].attachments == ["/images/VALSE/2020/1.png"]


def test_seed_notes_are_not_mentions(seed: Extraction) -> None:
    papers = _by_label(seed, "paper")
    assert papers["Rethinking the Value of Network Pruning"].notes == [
        "pruning is an architecture search paradigm"
    ]
    assert papers["Data-free Learning of Student Networks"].notes == ["GAN 生成训练样本"]
    labels = {m.label for m in seed.mentions}
    assert "pruning is an architecture search paradigm" not in labels
    assert "GAN 生成训练样本" not in labels
    gnn = _by_label(seed, "topic")["图神经网络"]
    assert len(gnn.notes) == 2 and gnn.notes[0].startswith("GNN 满足置换不变性")
    assert len(gnn.attachments) == 12
    # nothing else: 1 venue + 9 topics + 11 methods + 6 papers
    assert len(seed.mentions) == 27


# ----------------------------------------------------------------------------- every style


@pytest.fixture(scope="module")
def en() -> Extraction:
    return _ex(DATA / "styles-en.md")


@pytest.mark.parametrize(
    ("label", "venue", "year", "workshop"),
    [
        # **Title.** VENUE YEAR. [paper](..) with an italic author line
        ("Semi-Supervised Classification with Graph Convolutional Networks", "ICLR", 2017, False),
        ("Deep Learning on Graphs with a Short Year", "EMNLP", 2018, False),
        ("Relational Inductive Biases in Workshops", "ICML", 2018, True),
        # __Title.__ _Authors_. __CVPR__, 2017
        ("Inductive Representation Learning on Large Graphs", "NeurIPS", 2017, False),
        # [VENUE YEAR ...] Title, with link groups, shouting and task boxes
        ("How Powerful are Graph Neural Networks?", "ICLR", 2019, False),
        ("Filter Pruning via Geometric Median for Deep Convolutional Neural Networks Acceleration",
         "CVPR", 2019, False),
        ("MetaGAN An Adversarial Approach to Few-Shot Learning", "NeurIPS", 2018, False),
        ("Learning to Prune Filters", "CVPR", 2019, False),
        ("Picking Winning Tickets Before Training", "ICLR", 2020, False),
        ("Dolphin Identification With Few Examples", None, 2020, False),
        # Title (VENUEYEAR) / Title [VENUE YEAR]
        ("Pruning from Scratch", "AAAI", 2020, False),
        ("Graph U-Nets", "ICML", 2019, False),
        # Title [paper](..) [code](..): the year is the arXiv id's (1810.05270 -> 2018)
        ("Rethinking the Value of Network Pruning", None, 2018, False),
        # title line + "Authors -- NIPS 2017"
        ("Attention Is All You Need", "NeurIPS", 2017, False),
        # [Title](paper url) + "VENUE YEAR *date* [paper](..)" line
        ("Dynamic Network Surgery for Efficient DNNs", "NeurIPS", 2016, False),
        ("Pruning Filters for Efficient ConvNets", None, 2016, False),
        # titles under a "## CVPR 2019" heading
        ("Towards Optimal Structured CNN Pruning via Generative Adversarial Learning", "CVPR",
         2019, False),
        # table rows: title + venue columns (year from "### 2019"), year + paper columns
        ("Simplifying Graph Convolutional Networks", "ICML", 2019, False),
        ("Cluster-GCN: An Efficient Algorithm for Training Deep and Large Graph Convolutional "
         "Networks", "KDD", 2019, False),
        ("Graph Contrastive Learning with Augmentations", None, 2020, False),
        # numbered references [4] Authors. "Title" VENUE YEAR.
        ("Variational Graph Auto-Encoders", "NeurIPS", 2016, True),
        ("Deep Compression: Compressing Deep Neural Networks with Pruning, Trained Quantization "
         "and Huffman Coding", "ICLR", 2016, False),
        # plain citations: Title. Authors. VENUE YEAR. / Title. In VENUE, YEAR. / Title - VENUE
        ("Deep Residual Learning for Image Recognition", "CVPR", 2016, False),
        ("Densely Connected Convolutional Networks", "CVPR", 2017, False),
        ("Squeeze-and-Excitation Networks", "CVPR", 2018, False),
        # a known venue before the title
        ("Learning Loss for Active Learning", "CVPR", 2019, False),
        ("Neural Ordinary Differential Equations", "NeurIPS", 2018, False),
    ],
)  # fmt: skip
def test_english_styles(en: Extraction, label: str, venue, year, workshop) -> None:
    papers = _by_label(en, "paper")
    assert label in papers, sorted(papers)
    m = papers[label]
    assert (m.venue, m.year, m.workshop) == (venue, year, workshop)


def test_english_links_authors_and_notes(en: Extraction) -> None:
    papers = _by_label(en, "paper")
    gcn = papers["Semi-Supervised Classification with Graph Convolutional Networks"]
    assert gcn.url == "https://arxiv.org/abs/1609.02907" and gcn.ids == {"arxiv": "1609.02907"}
    assert gcn.authors == ["Thomas N. Kipf", "Max Welling"] and gcn.notes == []
    gat = papers["Graph Attention Networks"]
    assert gat.ids == {"openreview": "rJXMpikCZ"}
    sage = papers["Inductive Representation Learning on Large Graphs"]
    assert sage.authors == ["William L. Hamilton", "Rex Ying", "Jure Leskovec"]
    gin = papers["How Powerful are Graph Neural Networks?"]
    assert gin.url == "https://arxiv.org/pdf/1810.00826"
    assert gin.notes == ["they prove GNNs are at most as powerful as the WL test"]
    dns = papers["Dynamic Network Surgery for Efficient DNNs"]
    assert dns.notes == ["surgery splices connections back in when they turn out to matter"]
    assert papers["Attention Is All You Need"].authors[:2] == ["Ashish Vaswani", "Noam Shazeer"]
    assert papers["Graph Contrastive Learning with Augmentations"].authors == [
        "Yuning You", "Tianlong Chen",
    ]  # fmt: skip
    assert papers["Variational Graph Auto-Encoders"].authors == ["T. Kipf", "M. Welling"]
    assert papers["Deep Residual Learning for Image Recognition"].authors == [
        "Kaiming He", "Xiangyu Zhang",
    ]  # fmt: skip


def test_english_topics_methods_and_structure(en: Extraction) -> None:
    _check_invariants(en)
    topics = _by_label(en, "topic")
    body = {k for k, m in topics.items() if m.origin == "body"}
    # numbering and anchor links stripped; Contents / References / "## 2019" / "## CVPR 2019"
    # are not topics, nor is "Basic Models", which names no research entity: its papers
    # hang under the enclosing topic and the rejection is listed with its reason
    assert body == {"Graph Neural Networks", "Graph Pooling", "Pruning", "Vision Backbones"}
    assert any("topic 'Basic Models':" in r for r in en.rejected)
    papers = _by_label(en, "paper")
    gcn = papers["Semi-Supervised Classification with Graph Convolutional Networks"]
    assert en.mentions[gcn.parent].label == "Graph Neural Networks"
    methods = _by_label(en, "method")
    assert set(methods) == {"Hierarchical pooling", "NAS"}
    pooling = methods["Hierarchical pooling"]
    assert en.mentions[pooling.parent].label == "Graph Pooling"
    papers = _by_label(en, "paper")
    assert papers["Graph U-Nets"].parent == pooling.key
    assert en.mentions[papers["Attention Is All You Need"].parent].label == "Pruning"
    # a long sentence in a list is a note of the enclosing topic
    assert topics["Graph Pooling"].notes == [
        "pruning is an architecture search paradigm that deserves a much longer explanation."
    ]
    assert topics["Graph Neural Networks"].notes == ["GNNs pass messages along edges."]
    assert topics["Graph Neural Networks"].attachments == ["figs/overview.png"]


def test_english_front_matter_mentions(en: Extraction) -> None:
    fm = [(m.type, m.label, m.year) for m in en.mentions if m.origin == "front_matter"]
    assert fm == [
        ("venue", "ICLR", 2019),
        ("topic", "Graph Learning", None),
        ("topic", "GNN", None),
        ("topic", "pruning", None),
        ("topic", "few-shot learning", None),
    ]


def test_nothing_from_ignored_markup(en: Extraction) -> None:
    labels = " ".join(m.label for m in en.mentions)
    notes = " ".join(n for m in en.mentions for n in m.notes)
    assert "Fake Paper" not in labels + notes
    assert "TOC" not in labels and "Contents" not in labels
    assert "Opening remarks" not in notes  # text before any heading has no entity to hang on
    # lone [paper](..) and [code](..) links name nothing
    assert not any(n in ("paper", "code") for m in en.mentions for n in m.notes)
    assert len([m for m in en.mentions if m.type == "paper"]) == 29


def test_chinese_blog_styles() -> None:
    ex = _ex(DATA / "styles-zh.md")
    _check_invariants(ex)
    papers = _by_label(ex, "paper")
    topics = _by_label(ex, "topic")
    assert {"剪枝", "INT", "元学习"} <= set(topics)  # "# 1 综述" is generic; numbering stripped
    assert "综述" not in topics and "参考文献" not in topics
    assert topics["INT"].parent == next(
        m.key for m in ex.mentions if m.label == "剪枝" and m.origin == "body"
    )
    dc = papers["Deep Compression: Compressing Deep Neural Network with Pruning, Trained "
                "Quantization and Huffman Coding"]  # fmt: skip
    assert (dc.venue, dc.year, dc.ids) == ("ICLR", 2016, {"arxiv": "1510.00149"})
    nt = papers["NetTailor: Tuning the Architecture, Not Just the Weights"]
    assert (nt.venue, nt.year) == ("CVPR", 2019)
    assert nt.notes == ["修剪 resnet50，而不影响可解释性；"]
    dissect = papers["Dissecting Pruned Neural Networks"]
    assert (dissect.venue, dissect.year) == (None, 2019)  # only an arXiv date
    trp = papers["Traned Rank Pruning for Efficient Deep Neural Networks"]
    assert (trp.venue, trp.year, trp.workshop) == ("NeurIPS", 2019, True)
    assert (papers["原型网络"].venue, papers["原型网络"].year) == ("NeurIPS", 2017)
    rn = papers["Learning to Compare: Relation Network for Few-Shot Learning"]
    assert (rn.venue, rn.year) == ("CVPR", 2018)  # a table with 论文 / 会议 columns
    # a blog post linked with a date is not a paper
    assert "Neural Network Quantization Introduction" not in papers
    methods = _by_label(ex, "method")
    assert {"小样本学习", "关系网络", "数据增强"} <= set(methods)
    assert ex.mentions[methods["关系网络"].parent].label == "小样本学习"
    meta = topics["元学习"]
    assert "这一段是比较长的说明文字，不是方法名称，而是评论。" in meta.notes
    assert [m.origin for m in ex.mentions if m.label == "剪枝"] == ["front_matter", "body"]
    body_pruning = [m for m in ex.mentions if m.label == "剪枝" and m.origin == "body"][0]
    assert body_pruning.notes == ["剪枝之后需要微调，否则精度下降明显。"]
    venue = [m for m in ex.mentions if m.type == "venue"]
    assert [(v.label, v.year) for v in venue] == [("VALSE", 2019)]


def test_gb18030_note_extracts() -> None:
    ex = _ex(DATA / "gb18030.md")
    papers = _by_label(ex, "paper")
    p = papers["Channel Pruning for Accelerating Very Deep Neural Networks"]
    assert (p.venue, p.year) == ("ICCV", 2017)
    assert ex.mentions[p.parent].label == "通道剪枝"


# ----------------------------------------------------------------------------- contract


def test_bad_files_are_skipped_with_one_line_reasons(tmp_path: Path) -> None:
    broken = extract_file(DATA / "broken-front-matter.md", "notes/broken.md")
    assert isinstance(broken, Skipped)
    assert str(broken).startswith("notes/broken.md: line 4: broken front matter YAML")
    binary = extract_file(DATA / "binary.md", "notes/binary.md")
    assert isinstance(binary, Skipped) and "binary file" in binary.reason
    missing = extract_file(tmp_path / "nope.md", "nope.md")
    assert isinstance(missing, Skipped) and "cannot read" in missing.reason
    for s in (broken, binary, missing):
        assert "\n" not in str(s)


def test_extract_file_is_pure_and_picklable() -> None:
    a = extract_file(DATA / "styles-en.md", "x/en.md")
    b = extract_file(DATA / "styles-en.md", "x/en.md")
    assert a == b and a.post.path == "x/en.md"
    assert pickle.loads(pickle.dumps(a)) == a
    assert Extraction.from_dict(a.to_dict()) == a
    s = extract_file(DATA / "binary.md")
    assert pickle.loads(pickle.dumps(s)) == s


def test_backends_give_equal_extractions(monkeypatch: pytest.MonkeyPatch, seed_post: Path) -> None:
    for path in (seed_post, DATA / "styles-en.md", DATA / "styles-zh.md"):
        monkeypatch.setenv("KG_MARKDOWN", "py")
        slow = extract_file(path)
        monkeypatch.setenv("KG_MARKDOWN", "pyrs")
        assert extract_file(path) == slow


def test_title_falls_back_to_heading_then_stem() -> None:
    doc = parse_text("# Must-read papers\n\n## Graph Pooling\n\n- NAS\n", "lists/README.md")
    ex = extract(doc)
    assert ex.post.title == "Must-read papers"
    assert [m.label for m in ex.mentions if m.type == "topic"] == ["Graph Pooling"]
    assert extract(parse_text("- NAS\n", "notes/plain-note.md")).post.title == "plain-note"


def test_helpers() -> None:
    assert clean_heading("## [Basic Models](#content)".lstrip("# ")) != ""
    assert clean_heading("6.1 INT") == "INT" and clean_heading("第2章 剪枝") == "剪枝"
    assert is_method_name("NAS") and is_method_name("剪枝")
    assert not is_method_name("Contents") and not is_method_name("")


def test_a_markdown_back_end_crash_is_only_a_warning(tmp_path: Path) -> None:
    p = tmp_path / "panic.md"
    p.write_text("# Notes\n\n- see [`x\n- [CVPR 2019] A Paper After The Crash Site\n", "utf-8")
    ex = extract_file(p, "panic.md")
    assert isinstance(ex, Extraction)
    assert [m.label for m in ex.mentions if m.type == "paper"] == ["A Paper After The Crash Site"]


@pytest.mark.parametrize(
    ("label", "kind", "reason"),
    [
        ("For", "method", "pseudocode"),
        ("While ( != TERMINAL) and", "method", "pseudocode"),
        ("Initialize θ at random", "method", "pseudocode"),
        ("is the decoder distribution", "method", "sentence"),
        ("准确率 99.5%", "method", "metric or number"),
        ("保罗·维奥拉", "method", "person"),
        ("杜米特鲁艾尔罕", "method", "person"),
        ("Geoffrey Hinton", "method", "person"),
        ("Google", "method", "organisation"),
        ("腾讯公司", "method", "organisation"),
        ("etc", "method", "sentence"),
        ("2019-04-18", "topic", "date"),
        ("Notations", "topic", "structural heading"),
        ("Quick Summary", "topic", "structural heading"),
        ("Known Problems", "topic", "structural heading"),
        ("写在后面的话", "topic", "structural heading"),
        ("网络结构", "topic", "structural heading"),
        ("前言", "topic", "structural heading"),
        ("Why we need Attention", "topic", "sentence"),
        ("So, how does BEAR perform in practice?", "topic", "sentence"),
        ("Apply ReLU", "method", "sentence (starts with a verb)"),
        ("VAE TLDR", "topic", "structural heading"),
        ("Training FAQ", "topic", "structural heading"),
        ("Encoder Backbone", "topic", "generic component"),
        ("转 VOC", "topic", "sentence"),
    ],
)
def test_judge_rejects_what_names_no_research_entity(label: str, kind: str, reason: str) -> None:
    assert judge_name(label, kind) == (False, reason)


@pytest.mark.parametrize(
    "label",
    ["GCN", "ResNet", "U-Net", "YOLOv3", "Focal loss", "元学习", "剪枝", "图卷积神经网络",
     "Road Object Detection", "Deformable Attention", "矩阵池化卷积网络", "知識蒸餾",
     "Starts of Intermediate Difficulty (SoID)", "Adaptive Risk Minimization (ARM)"],
)
def test_judge_accepts_named_research_entities(label: str) -> None:
    assert judge_name(label, "topic")[0], judge_name(label, "topic")


def test_layout_alone_makes_no_entity() -> None:
    ex = extract(parse_text(
        "# Notations\n\n## Introduction\n\n### 写在后面的话\n\n## Graph Pooling\n\n"
        "- Initialize θ at random\n- Sample a minibatch\n- Hierarchical pooling\n", "n.md"))
    assert [(m.type, m.label) for m in ex.mentions] == [
        ("topic", "Graph Pooling"), ("method", "Hierarchical pooling")]
    assert len(ex.rejected) == 3 and all(r.startswith("n.md:") for r in ex.rejected)


def test_list_item_naming_a_task_is_a_topic() -> None:
    ex = extract(parse_text("# 应用\n\n- 人脸识别（face recognition）\n- 行人重识别\n- 双流法\n", "t.md"))
    assert {(m.type, m.label) for m in ex.mentions} == {
        ("topic", "人脸识别（face recognition）"), ("topic", "行人重识别"), ("method", "双流法")}


def test_products_listed_under_a_company_are_not_methods() -> None:
    text = (
        "# Related companies\n\n## Acme\n\nIts products:\n\n- PixelGuard\n- MarkFinder\n\n"
        "# Methods\n\n- PixelGuard\n- GCN\n"
    )
    ex = extract(parse_text(text, "c.md"))
    methods = [(m.label, m.line) for m in ex.mentions if m.type == "method"]
    assert methods == [("PixelGuard", 12), ("GCN", 13)]
    assert any("MarkFinder" in r and "product" in r for r in ex.rejected)


# ----------------------------------------------------------------------------- failure classes


def _types(text: str, path: str = "n.md") -> dict[str, list[str]]:
    ex = extract(parse_text(text, path))
    out: dict[str, list[str]] = {}
    for m in ex.mentions:
        out.setdefault(m.type, []).append(m.label)
    return out


def test_definition_terms_are_not_methods() -> None:
    text = (
        "# MDP\n**Terms:**\n- Complete policy: the agent knows what to do\n- Optimal policy:\n"
        "    - policy that yields the highest expected utility\n- Positive anchors:\n"
        "    - any anchor box with high IoU\n- Dropout:\n    - zero units at random\n"
        "- Downpour SGD:\n    - updates the parameters without waiting\n"
    )
    assert _types(text).get("method") == ["Dropout", "Downpour SGD"]


def test_a_note_link_after_an_item_is_no_part_of_its_name() -> None:
    text = "# Q\n- [x] Self-attention (49) [[Attention#Self-Attention Layer]]\n- [x] Dropout\n"
    assert _types(text).get("method") == ["Self-attention", "Dropout"]


def test_data_sets_and_benchmarks_are_not_topics_or_methods() -> None:
    for name in ("D4RL Gym", "ShapeNet", "Sports-1M", "CIFAR-10", "COCO detection"):
        assert judge_name(name, "topic") == (False, "data set or benchmark"), name
    assert judge_name("ResNet-50")[0] and judge_name("Domain Generalization", "topic")[0]


def test_aspect_subheadings_are_not_topics_but_lists_of_papers_under_them_are() -> None:
    text = (
        "# Soft Q-learning\nbody\n## Experiments\n### Better Exploration\ntext\n"
        "### Robustness\ntext\n## Generalization\ntext about it\n"
    )
    topics = _types(text).get("topic", [])
    assert "Robustness" not in topics and "Generalization" in topics
    listed = "# GNN papers\n## Models\n### Explainability\n- Explaining GNNs. NeurIPS 2019.\n"
    assert "Explainability" in _types(listed).get("topic", [])


def test_paper_labels_lose_resource_links_descriptions_and_lead_ins() -> None:
    text = (
        "# Papers\n- eDiffi: Text-to-Image Diffusion Models. NeurIPS 2022.\n"
        "- Flexible Diffusion Modeling of Long Videos. [Website](https://plai.cs.ubc.ca/x/)\n"
        "- RaMViD - Random-Mask Video Diffusion. [GitHub](https://github.com/a/b)\n"
        "- Dalle 2 (image gen from text)\n"
    )
    assert _types(text)["paper"] == [
        "eDiffi: Text-to-Image Diffusion Models", "Flexible Diffusion Modeling of Long Videos",
        "RaMViD - Random-Mask Video Diffusion", "Dalle 2",
    ]
    lead = ("# Post\ntext\n\n*This post is based on our paper: Revisiting Some Common Practices "
            "in Cooperative Multi-Agent Reinforcement Learning ([paper](https://arxiv.org/abs/2206.07505)).*\n")
    assert _types(lead)["paper"] == [
        "Revisiting Some Common Practices in Cooperative Multi-Agent Reinforcement Learning"
    ]


def test_steps_and_pipelines_are_not_topics() -> None:
    assert judge_name("Prepend Learnable Embedding", "topic") == (False, "sentence (starts with a verb)")
    assert judge_name("GPT Assistant Training Pipeline", "topic") == (False, "structural heading")
    assert judge_name("Merge Sort", "method")[1] != "sentence (starts with a verb)"


def test_more_non_entities_seen_in_vaults_and_lists() -> None:
    assert judge_name("Pascal VOC Linear Classification", "topic") == (False, "data set or benchmark")
    assert judge_name("RPN Additional Information", "topic") == (False, "structural heading")
    assert judge_name("StackExchange QA", "topic") == (False, "organisation")
    # a venue line with a full date left alone is no paper
    text = ("# Papers\n1. [Salienteye: Maximizing Engagement on Instagram](http://arxiv.org/abs/2006.11403)  \n"
            "Conference 2020 *2020-06-13* [paper](https://arxiv.org/abs/2006.11403)\n")
    assert _types(text)["paper"] == ["Salienteye: Maximizing Engagement on Instagram"]


def test_a_common_word_before_a_generic_network_noun_is_no_method() -> None:
    text = (
        "# Models\n- Dense Neural Networks\n- Siamese Neural Networks\n- 扩展 CNN\n- 通用网络\n"
        "- 孪生网络\n- CRNN\n- 图网络\n"
    )
    found = _types(text).get("method", [])
    for generic in ("Dense Neural Networks", "扩展 CNN", "通用网络"):
        assert generic not in found, generic
    for name in ("Siamese Neural Networks", "孪生网络", "CRNN", "图网络"):
        assert name in found, name


def test_architectures_versions_and_hyphenated_common_words_are_not_topics() -> None:
    text = (
        "# Notes\ntext\n## DETR Architecture\nx\n## DAT Version\nx\n## 模型架构\nx\n"
        "## Bottom-Up\nx\n## Deep-SCoRe\nx\n## CNN Architectures\nx\n"
    )
    topics = _types(text).get("topic", [])
    assert topics == ["Deep-SCoRe", "CNN Architectures"]
    listed = "# Papers\n## Cross-Domain\n- A Broader Study of Cross-Domain Few-Shot Learning. ECCV 2020.\n"
    assert "Cross-Domain" in _types(listed).get("topic", [])


def test_loss_terms_and_steps_of_the_papers_model_are_not_topics(tmp_path: Path) -> None:
    note = tmp_path / "Video Instance Segmentation with Transformers.md"
    note.write_text(
        "---\nsource: https://arxiv.org/abs/2011.14503\n---\n"
        "# Video Instance Segmentation with Transformers\n## Video Instance Segmentation\nx\n"
        "## Instance Sequence Matching\nx\n## RoI Loss\nx\n## Instruction Generation\nx\n"
        "## Focal Loss\nx\n## 文本特征提取\nx\n",
        encoding="utf-8",
    )
    topics = [m.label for m in _ex(note).mentions if m.type == "topic"]
    assert topics == ["Video Instance Segmentation", "Focal Loss"]


def test_results_subheadings_venue_headings_and_products_are_not_entities() -> None:
    results = "# Kernel Feature Selection\ntext\n# Results\ntext\n## Synthetic data\nx\n## Image Classification\nx\n"
    topics = _types(results).get("topic", [])
    assert "Synthetic data" not in topics and "Image Classification" in topics
    venues = "# 会议\n## A 类\n### ICLR\nx\n### ICML\nx\n## 其他\n### CVPR\nx\n### RLDM\nx\n"
    assert "RLDM" not in _types(venues).get("topic", [])
    products = "# 6 产品\n## 海康威视\n1. 物体搜索\n1. 视频摘要\n"
    found = _types(products)
    assert "物体搜索" not in found.get("method", []) + found.get("topic", [])


def test_a_heading_linking_a_notes_section_takes_the_sections_name() -> None:
    text = "# DenseNet\ntext\n## Design\nx\n### [[ResNeXt#Skip Connection]]\n- x\n### [[ResNeXt]]\n- y\n"
    topics = _types(text, "DenseNet.md").get("topic", [])
    assert "Skip Connection" in topics and topics.count("ResNeXt") == 1


def test_a_link_cut_by_a_hard_wrap_inside_a_sentence_is_no_paper() -> None:
    prose = (
        "# Pricing data\ntext\n\n- [**Data attribute-based\n  pricing**](https://x.org/a.pdf)\n"
        "  constructs a price model that weighs parameters.\n"
        "- [**Query-based\n  pricing**](https://x.org/b.pdf)\n  sets the price of a query.\n"
    )
    assert "paper" not in _types(prose)
    wrapped = (
        "# Papers\n- [Attention Is All\n  You Need](https://arxiv.org/abs/1706.03762). NeurIPS 2017.\n"
        "- [Deep Residual Learning for Image Recognition](https://arxiv.org/abs/1512.03385). CVPR 2016.\n"
    )
    assert len(_types(wrapped).get("paper", [])) == 2


def test_a_head_noun_alone_does_not_vouch_for_its_siblings() -> None:
    steps = "# 点云\n## 点云处理\n1. 点云去噪\n1. 强度矫正\n1. 邻域搜索\n"
    found = _types(steps)
    assert "强度矫正" not in found.get("method", []) + found.get("topic", [])
    steps_en = "# Point clouds\n## Processing\n- Intensity correction\n- Neighbourhood search\n- Outlier removal\n"
    methods = _types(steps_en).get("method", [])
    assert "Intensity correction" not in methods and "Outlier removal" not in methods
    named = "# Tricks\n## Methods\n- few-shot learning\n- NAS\n- learning with bias data\n"
    assert "learning with bias data" in _types(named).get("method", [])


def test_a_heading_that_links_a_paper_is_that_paper_not_a_topic() -> None:
    log = (
        "# arXiv daily\n## 计算机视觉\n#### [1. 3D 点云零样本学习](http://cn.arxiv.org/abs/1902.10272)\n"
        "首次在 3D 点云上应用零样本\n"
        "#### [Zero-Shot Learning on 3D Point Cloud Objects](https://arxiv.org/abs/1902.10272)\ntext\n"
        "## [Lecture notes](https://github.com/a/b)\ntext\n"
    )
    found = _types(log)
    assert "3D 点云零样本学习" not in found.get("topic", [])
    assert found["paper"] == ["3D 点云零样本学习", "Zero-Shot Learning on 3D Point Cloud Objects"]
