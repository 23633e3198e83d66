"""kg.notes.parse: front matter, heading tree, lists, tables, links, ignored markup, encodings."""

from __future__ import annotations

from pathlib import Path

import pytest

import kg.notes.parse as P
from kg.notes.parse import (
    Document,
    Item,
    ItemList,
    Paragraph,
    ParseError,
    Table,
    decode,
    find_ids,
    parse_bytes,
    parse_file,
    parse_text,
)

DATA = Path(__file__).parent / "data"


def _items(doc: Document) -> list[Item]:
    out: list[Item] = []

    def walk(items: list[Item]) -> None:
        for it in items:
            out.append(it)
            walk(it.children)

    for sec in doc.root.walk():
        for b in sec.blocks:
            if isinstance(b, ItemList):
                walk(b.items)
    return out


def _all_text(doc: Document) -> str:
    parts = [s.title for s in doc.root.walk()]
    for sec in doc.root.walk():
        for b in sec.blocks:
            if isinstance(b, Paragraph):
                parts.append(b.text)
            elif isinstance(b, Table):
                parts.extend(b.header)
                parts.extend(" ".join(r.texts()) for r in b.rows)
    parts.extend(ln.text for it in _items(doc) for ln in it.lines)
    return "\n".join(parts)


# ----------------------------------------------------------------------------- front matter


def test_seed_front_matter_with_blank_line(seed_post: Path) -> None:
    doc = parse_file(seed_post, "seeds/valse2020-apr.md")
    assert doc.path == "seeds/valse2020-apr.md"
    assert doc.title.startswith("VALSE2020重要主题年度进展回顾一")
    assert doc.categories == ["VALSE2020"]
    assert doc.tags == [] and doc.keywords == []
    assert doc.front_matter_lines["categories"] == 5


def test_front_matter_fields_and_lines() -> None:
    doc = parse_file(DATA / "styles-en.md")
    assert doc.title == "Reading list: graphs, pruning and few-shot learning"
    assert doc.date == "2021-03-04T10:20:00+08:00"
    assert doc.categories == ["ICLR2019", "Graph Learning"]
    assert doc.tags == ["GNN", "pruning"]  # a comma-separated string is split
    assert doc.keywords == ["few-shot learning"]
    assert doc.front_matter_lines == {"title": 2, "date": 3, "categories": 4, "tags": 5,
                                      "keywords": 6}  # fmt: skip


def test_category_singular_and_nested_keys() -> None:
    doc = parse_file(DATA / "styles-zh.md")
    assert doc.categories == ["AI", "DL", "剪枝", "VALSE2019"]
    assert doc.tags == ["资源"]
    assert doc.date == "2019-05-21T09:08:40+08:00"


def test_no_front_matter_is_fine() -> None:
    doc = parse_file(DATA / "no-front-matter.md")
    assert doc.title is None and doc.categories == []
    assert doc.root.sections[0].title == "Graph Neural Networks"
    assert doc.root.sections[0].line == 1


def test_jekyll_file_name_gives_the_date() -> None:
    assert parse_text("# x\n", "_posts/2019-05-21-foundation.md").date == "2019-05-21"


def test_broken_front_matter_names_file_and_line() -> None:
    with pytest.raises(ParseError) as err:
        parse_file(DATA / "broken-front-matter.md", "notes/broken.md")
    msg = str(err.value)
    assert msg.startswith("notes/broken.md:4: broken front matter YAML")
    assert "\n" not in msg


def test_unclosed_front_matter() -> None:
    with pytest.raises(ParseError, match=r"^x.md:1: front matter .* never closed$"):
        parse_text("---\ntitle: a\n# body\n", "x.md")


def test_front_matter_that_is_not_a_mapping() -> None:
    with pytest.raises(ParseError, match=r"^x.md:2: front matter is a"):
        parse_text("---\n- a\n- b\n---\n", "x.md")


# ----------------------------------------------------------------------------- encodings


def test_binary_file_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match=r"binary file"):
        parse_file(DATA / "binary.md")


def test_gb18030_fallback() -> None:
    doc = parse_file(DATA / "gb18030.md")
    assert doc.encoding == "gb18030"
    assert doc.title == "旧笔记"
    assert doc.root.sections[0].title == "剪枝"
    assert _items(doc)[1].text.startswith("[ICCV 2017] Channel Pruning")


def test_utf8_bom_and_crlf() -> None:
    doc = parse_bytes("\ufeff---\r\ntitle: T\r\n---\r\n# 标题\r\n- item\r\n".encode(), "b.md")
    assert doc.title == "T" and doc.encoding == "utf-8"
    assert doc.root.sections[0].title == "标题" and doc.root.sections[0].line == 4
    assert _items(doc)[0].line == 5


def test_undecodable_bytes() -> None:
    with pytest.raises(ParseError, match=r"^u.md:2: not UTF-8"):
        decode(b"ok\n\xff\xff\xff\n", "u.md")


def test_unreadable_path(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match=r"cannot read file"):
        parse_file(tmp_path / "missing.md", "missing.md")


# ----------------------------------------------------------------------------- structure


def test_seed_heading_tree_and_lines(seed_post: Path) -> None:
    doc = parse_file(seed_post)
    top = [(s.title, s.line) for s in doc.root.sections]
    assert top == [
        ("模型压缩", 12),
        ("图神经网络", 39),
        ("场景文字检测与识别", 71),
        ("元学习", 161),
    ]
    scene = doc.root.sections[2]
    assert [s.title for s in scene.sections] == ["场景文字检测", "场景文字识别", "端到端场景文字识别",
                                                 "未来展望"]  # fmt: skip
    assert len(scene.sections[0].attachments) == 13


def test_seed_nested_lists_and_attachments(seed_post: Path) -> None:
    doc = parse_file(seed_post)
    first = doc.root.sections[0].blocks[0]
    assert isinstance(first, ItemList) and first.ordered
    rethinking = first.items[0]
    assert (rethinking.text, rethinking.line) == ("Rethinking Network Pruning", 14)
    assert [c.text for c in rethinking.children] == [
        "Lottery Ticket Hypothesis",
        "Rethinking the Value of Network Pruning",
        "Pruning from Scratch (AAAI2020)",
    ]
    assert rethinking.children[1].children[0].text == "pruning is an architecture search paradigm"
    quant = first.items[1].children[1]
    assert quant.text.endswith("(NIPS2019)")
    image_item = quant.children[0]
    assert image_item.lines == [] and image_item.attachments == ["/images/VALSE/2020/1.png"]


def test_tables_links_marks_and_ids() -> None:
    doc = parse_file(DATA / "styles-en.md")
    tables = [b for s in doc.root.walk() for b in s.blocks if isinstance(b, Table)]
    assert tables[0].header == ["Title", "Venue", "Code"]
    row = tables[0].rows[0]
    assert row.line == 55
    assert row.texts()[:2] == ["Simplifying Graph Convolutional Networks", "ICML"]
    assert row.cells[0][0].url == "https://arxiv.org/abs/1902.07153"
    assert tables[1].header == ["Year", "Paper", "Authors"]
    bold = next(it for it in _items(doc) if it.text.startswith("Semi-Supervised"))
    assert bold.lines[0].spans[0].bold and bold.lines[0].spans[0].text.endswith(".")
    assert bold.lines[1].text == "Thomas N. Kipf, Max Welling." and bold.lines[1].spans[0].italic
    assert bold.lines[1].line == 30
    link = bold.lines[0].links[0]
    assert (link.text, find_ids(link.url)) == ("paper", {"arxiv": "1609.02907"})


def test_task_checkboxes_are_stripped() -> None:
    items = _items(parse_file(DATA / "styles-en.md"))
    todo = next(it for it in items if "Picking Winning" in it.text)
    done = next(it for it in items if "Dolphin" in it.text)
    assert todo.checked is False and todo.text.startswith("[ICLR 2020 spotlight]")
    assert done.checked is True
    assert all(it.checked is None for it in items if "Pruning from Scratch" in it.text)


def test_ignored_markup_leaves_no_trace() -> None:
    doc = parse_file(DATA / "styles-en.md")
    text = _all_text(doc)
    assert "Fake Paper" not in text  # code fence, indented code, Liquid, math, comment, HTML
    assert "{%" not in text and "{{" not in text and "{:" not in text
    assert "mathcal" not in text and "$" not in text
    assert "span" not in text and "more" not in text.split()
    assert "k-shot keeps its k" in text  # a one-letter inline formula keeps its letter


def test_images_are_attachments_not_text() -> None:
    doc = parse_file(DATA / "styles-en.md")
    gnn = doc.root.sections[0] if doc.root.sections[0].title.endswith("Networks") else None
    gnn = next(s for s in doc.root.walk() if s.title == "1 Graph Neural Networks")
    assert gnn.attachments == ["figs/overview.png"]
    assert "overview" not in _all_text(doc)
    seed = parse_text('<img src="/a.png" style="zoom: 60%;" />\n\n# H\n\ntext ![x](b.png)\n')
    assert seed.root.attachments == ["/a.png"]
    assert seed.root.sections[0].attachments == ["b.png"]


def test_find_ids() -> None:
    assert find_ids("https://arxiv.org/pdf/1904.04232") == {"arxiv": "1904.04232"}
    assert find_ids("https://arxiv.org/abs/cs/0112017v1") == {"arxiv": "cs/0112017"}
    assert find_ids("https://dl.acm.org/doi/abs/10.1145/3292500.3330925") == {
        "doi": "10.1145/3292500.3330925"
    }
    assert find_ids("https://openreview.net/pdf?id=rJXMpikCZ") == {"openreview": "rJXMpikCZ"}
    assert find_ids("https://github.com/x/y") == {}


# ----------------------------------------------------------------------------- back ends


def _both(monkeypatch: pytest.MonkeyPatch, path: Path) -> tuple[Document, Document]:
    monkeypatch.setenv("KG_MARKDOWN", "pyrs")
    assert P.backend() == "pyrs"
    a = parse_file(path)
    monkeypatch.setenv("KG_MARKDOWN", "py")
    assert P.backend() == "py"
    b = parse_file(path)
    return a, b


@pytest.mark.parametrize(
    "name", ["styles-en.md", "styles-zh.md", "gb18030.md", "no-front-matter.md"]
)
def test_backends_agree_on_synthetic_notes(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    a, b = _both(monkeypatch, DATA / name)
    assert a == b


def test_backends_agree_on_the_seed(monkeypatch: pytest.MonkeyPatch, seed_post: Path) -> None:
    a, b = _both(monkeypatch, seed_post)
    assert a == b
    assert len(a.root.sections) == 4


def test_backends_agree_on_tricky_markup(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    p = tmp_path / "tricky.md"
    p.write_text(
        "Setext title\n============\n\n> quoted *line*\n> with [a link](http://x.org)\n\n"
        "- a &amp; b `code` <https://auto.link/x>\n  lazy **bold _nested_ end**\n\n"
        "  second paragraph of the item\n\n1) ordered\n   - [x] done\n"
        "\u202f\ntext after a narrow-space line<br>same line\n",
        encoding="utf-8",
    )
    a, b = _both(monkeypatch, p)
    assert a == b
    assert a.root.sections[0].title == "Setext title"
    item = a.root.sections[0].blocks[1].items[0]
    assert [ln.text for ln in item.lines] == [
        "a & b code https://auto.link/x",
        "lazy bold nested end",
        "second paragraph of the item",
    ]


def test_rust_panic_falls_back_to_markdown_it_py(monkeypatch: pytest.MonkeyPatch) -> None:
    # markdown-it-pyrs 0.4 panics on an unclosed "[" before an unclosed "`"
    text = "# T\n\n- see [`x and more\n- second item\n"
    monkeypatch.setenv("KG_MARKDOWN", "py")
    reference = parse_text(text, "p.md")
    monkeypatch.setenv("KG_MARKDOWN", "pyrs")
    doc = parse_text(text, "p.md")
    assert doc.root == reference.root
    assert len(doc.warnings) == 1 and doc.warnings[0].startswith("p.md:1: markdown-it-pyrs failed")
    assert reference.warnings == []


# -- honest decoding, size limit, nesting (see docs/reliability.md) --------------------------
def test_big5_note_is_read_right() -> None:
    data = "# 圖神經網路\n\n- 圖神經網路 (GNN)\n".encode("big5")
    text, encoding = decode(data, "b.md")
    assert encoding == "big5" and "圖神經網路" in text


def test_short_latin1_note_is_refused_not_garbled() -> None:
    with pytest.raises(ParseError, match=r"^l.md:1: not UTF-8, and the encoding is unclear .*UTF-8"):
        decode("# Réseaux\n\n- Réseaux (GNN)\n".encode("latin-1"), "l.md")


def test_latin1_paragraph_is_read_right() -> None:
    fr = ("# Réseaux de neurones\n\nLes réseaux de neurones sur graphes sont étudiés depuis "
          "longtemps. Voici une liste d'articles très intéressants à lire, publiés à l'ICML.\n")
    text, _ = decode(fr.encode("latin-1"), "f.md")
    assert text == fr


def test_gbk_note_is_read_right() -> None:
    zh = "# 图神经网络\n\n图神经网络是一类处理图结构数据的深度学习模型。\n- 图注意力网络论文\n"
    assert decode(zh.encode("gbk"), "z.md") == (zh, "gb18030")


def test_noise_is_refused() -> None:
    with pytest.raises(ParseError, match=r"not UTF-8"):
        decode(bytes(range(128, 256)) * 8, "n.md")


def test_empty_and_blank_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "e.md").write_bytes(b"")
    (tmp_path / "b.md").write_text("  \n\t\n")
    with pytest.raises(ParseError, match=r"e.md:0: empty file$"):
        parse_file(tmp_path / "e.md", "e.md")
    with pytest.raises(ParseError, match=r"b.md:0: empty file \(only white space\)"):
        parse_file(tmp_path / "b.md", "b.md")


def test_size_limit_reads_whole_lines_and_says_so(tmp_path: Path) -> None:
    p = tmp_path / "big.md"
    p.write_text("# Big\n\n" + "".join(f"- Item {i}\n" for i in range(1000)))
    doc = parse_file(p, "big.md", max_bytes=100)
    assert doc.truncated and "size limit" in doc.truncated
    items = _items(doc)
    assert items and all(i.text.startswith("Item ") for i in items) and len(items) < 20
    assert parse_file(p, "big.md", max_bytes=None).truncated is None


def test_deep_lists_parse_and_deeper_ones_are_refused(tmp_path: Path) -> None:
    deep = "# D\n\n" + "".join("  " * i + f"- level {i}\n" for i in range(500))
    assert parse_bytes(deep.encode(), "d.md").root.sections[0].title == "D"
    with pytest.raises(ParseError, match=r"^q.md:3: lists or quotes nested about 100000 levels"):
        parse_bytes(("# Q\n\n" + ">" * 100_000 + " q\n").encode(), "q.md")


def test_control_characters_in_notes_are_removed() -> None:
    doc = parse_bytes(b"# Title \x1b]52;c;aGk=\x07here\n", "c.md")
    assert doc.root.sections[0].title == "Title ]52;c;aGk=here"
    assert any("control characters removed" in w for w in doc.warnings)
