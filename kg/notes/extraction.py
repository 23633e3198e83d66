"""Extract typed entity mentions (topics, methods, papers, venues) from a parsed note.

:func:`extract` is a pure function of a :class:`kg.notes.parse.Document`; :func:`extract_file`
parses and extracts one file and never raises for bad input (it returns
:class:`kg.notes.records.Skipped` with a one-line reason instead), so it can run in a process pool.

What becomes what (Chinese and English alike):

* **topic** — a heading, with numbering removed (``# 1 综述``, ``## 6.1 INT``) and link
  markup dropped (``## [Basic Models](#content)``); its parent is the enclosing heading's
  topic. Front-matter categories, tags and keywords that are not venues are topics too
  (``origin="front_matter"``). Headings in :data:`GENERIC_HEADINGS` (contents, references,
  introduction, 目录, 参考文献, 未来展望, ...) are not topics: their content hangs under the
  enclosing topic. A heading that is a year (``### 2019``) or a venue (``## CVPR 2019``) is
  not a topic either; it supplies the year / venue of the papers below it.
* **paper** — a list item, paragraph line or table row recognised by :mod:`kg.notes.papers`; in a
  list that already holds recognised papers, a bare title-like sibling (``Lottery Ticket
  Hypothesis``) is a paper too. A table with a title column (and optionally venue, year and
  author columns) gives one paper per row.
* **method** — a list item that groups entities (has child items that are papers or
  methods), or a short technique name: a list item of a few words with no sentence
  punctuation, no venue and no link.
* **venue** — a front-matter category such as ``VALSE2020`` (``label="VALSE"``,
  ``year=2020``). Paper venues are carried on the paper mention (``venue``, ``year``,
  ``workshop``).
* **notes** — any other text (commentary lines, sub-bullets under a paper, paragraphs under
  a heading) goes into the ``notes`` of the entity it hangs under; italic author lines are
  ``authors``. Images are ``attachments`` of the section's or item's entity.

Example
-------
>>> from kg.notes.parse import parse_text
>>> ex = extract(parse_text("# 模型压缩\\n1. Data-free Compression\\n"
...                         "   - Data-free Learning of Student Networks (ICCV2019)\\n"
...                         "     - GAN 生成训练样本\\n", "a.md"))
>>> [(m.key, m.type, m.label, m.parent) for m in ex.mentions]
[(0, 'topic', '模型压缩', None), (1, 'method', 'Data-free Compression', 0), (2, 'paper', 'Data-free Learning of Student Networks', 1)]
>>> ex.mentions[2].venue, ex.mentions[2].year, ex.mentions[2].notes
('ICCV', 2019, ['GAN 生成训练样本'])
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from kg.notes.glossary import Glossary, Term, is_housekeeping_tag, term_key
from kg.notes.links import (
    citations,
    cited_papers,
    cites_its_source,
    is_field_line,
    note_aliases,
    note_links,
    paper_note,
)
from kg.notes.papers import (
    PaperHit,
    author_venue_line,
    clean_title,
    is_caption,
    is_citation,
    is_generic_link,
    is_paper_url,
    recognize,
    sentence_like,
    split_authors,
    title_like,
)
from kg.notes.parse import (
    MAX_FILE_BYTES,
    WIKI_SCHEME,
    Document,
    Item,
    ItemList,
    Line,
    Paragraph,
    ParseError,
    Section,
    Table,
)
from kg.notes.parse import parse_file as _parse_file
from kg.notes.records import SECTION_SEP, Extraction, Mention, Post, Skipped
from kg.notes.venues import Venue, normalize_venue

__all__ = [
    "extract",
    "names_a_task",
    "extract_file",
    "GENERIC_HEADINGS",
    "clean_heading",
    "is_method_name",
    "judge_name",
    "use_names",
    "is_structural",
    "tag_name",
    "STRUCTURAL_HEADINGS",
]

#: Headings that structure a document but name no research topic (compared case-folded,
#: after numbering is removed). Their content still counts: it hangs under the enclosing
#: topic. ``未来展望`` ("outlook") is here on purpose: an outlook section is about the post's
#: topic, and a node "outlook" would link unrelated posts.
GENERIC_HEADINGS: frozenset[str] = frozenset(
    {
        # contents and references
        "contents", "content", "table of contents", "toc", "index", "目录", "索引",
        "references", "reference", "bibliography", "citation", "citations", "cite",
        "参考", "参考文献", "参考资料", "参考链接", "引用", "相关链接", "链接", "links", "link",
        "further reading", "see also", "related work", "related works",
        # project housekeeping
        "contributors", "main contributors", "contributing", "contribution", "contributions",
        "acknowledgement", "acknowledgements", "acknowledgment", "acknowledgments", "致谢",
        "license", "许可", "changelog", "change log", "更新日志", "更新", "updates", "update",
        "news", "新闻", "todo", "to do", "faq", "how to recommend a paper", "usage",
        "installation", "install", "安装", "使用",
        # document structure
        "introduction", "intro", "引言", "简介", "介绍", "前言", "背景", "background",
        "overview", "概述", "综述", "survey", "surveys", "summary", "总结", "小结",
        "conclusion", "conclusions", "结论", "discussion", "讨论", "appendix", "附录",
        "others", "other", "misc", "miscellaneous", "其他", "其它", "杂项",
        "resources", "resource", "资源", "相关资源", "papers", "paper", "论文",
        "code", "codes", "代码", "notes", "note", "笔记", "备注", "tips", "说明",
        "未来展望", "展望", "outlook", "future work", "future directions",
        # parts of an explanation rather than research topics
        "术语", "terminology", "glossary", "基本概念", "概念", "concepts", "basic concepts",
        "定义", "definition", "definitions", "思考", "thoughts", "实验", "实验结果",
        "experiments", "results", "结果", "方案", "方法", "method", "methods", "approach",
        "原理", "流程", "步骤", "示例", "例子", "example", "examples", "demo", "演示",
        "数据集", "datasets", "dataset", "报告", "研究员", "researchers", "people", "榜单",
        "leaderboard", "比赛", "competitions", "技术", "产品", "应用", "applications", "时间",
        "基础", "basics", "理论", "theory", "第一篇", "第二篇", "正文", "abstract", "摘要",
        "推荐资料", "资料", "思路", "一句话总结", "一句话总结文章", "贡献",
        "比赛信息", "q&a", "qa", "代码示例", "通用", "general", "其他资料", "学习资料",
    }
)  # fmt: skip
_GENERIC_WORDS = GENERIC_HEADINGS

_HEADING_NUM = re.compile(
    r"^(?:\d+(?:\.\d+)*\.?\s+"  # 1 / 6.1 / 1.
    r"|第[一二三四五六七八九十百零\d]+[章节部分篇][、.．:：\s]*"  # 第2章
    r"|[一二三四五六七八九十百零\d]+[、.．:：)）]\s*"  # 一、 2)
    r"|[(（][一二三四五六七八九十百零\d]+[)）]\s*"  # （一）
    r"|[IVX]+\.\s+|[(（]\d+[)）]\s*|[①-⑳]\s*)"
)
_ITEM_NUM = re.compile(r"^(?:\d{1,3}[)）.、]|[(（]\d{1,3}[)）]|[①-⑳])\s*")
_LETTER_NUM = re.compile(r"^[A-Z](?:[.、．)）]\s*|\s+(?=[\u3400-\u9fff]))")
_YEAR_HEADING = re.compile(r"^((?:19|20)\d{2})\s*年?$")


def clean_heading(text: str) -> str:
    """Remove numbering and decoration from a heading's text.

    >>> clean_heading("1 综述"), clean_heading("6.1 INT"), clean_heading("Basic Models")
    ('综述', 'INT', 'Basic Models')
    >>> clean_heading("一、元学习"), clean_heading("3D Vision"), clean_heading("A 参考资料")
    ('元学习', '3D Vision', '参考资料')
    """
    t = " ".join(text.split()).strip(" :：#*_")
    t2 = _LETTER_NUM.sub("", _HEADING_NUM.sub("", t, count=1), count=1).strip(" :：.")
    return t2 or t


_WIKILINK = re.compile(r"!?\[\[(?:[^\]|#]*/)?([^\]|#]*)(?:#([^\]|]*))?(?:\|([^\]]*))?\]\]")
_TRAILING_PARENS = re.compile(r"\s*[(（]\s*(?:(?:19|20)\d{2}[a-z]?|\d{1,3}|\s*)[)）]\s*$")


def clean_name(text: str) -> str:
    """A heading or item text as a name: ``[[path/Note#Part|shown]]`` becomes the text it
    shows, a trailing ``()`` or ``(2020)`` goes.

    >>> clean_name("[[Research Papers/Batch Normalization]]"), clean_name("[[DETR|DETR]] (2020)")
    ('Batch Normalization', 'DETR')
    >>> clean_name("[[Depthwise Separable Kernels#Pointwise Convolution]]"), clean_name("Detection loss ()")
    ('Pointwise Convolution', 'Detection loss')
    >>> clean_name("Self-attention (49)")  # a count or a page number
    'Self-attention'
    """

    def shown(m: re.Match[str]) -> str:
        return (m.group(3) or m.group(2) or m.group(1) or "").strip()

    t = _WIKILINK.sub(shown, text)
    return " ".join(_TRAILING_PARENS.sub("", t).split())


def _generic(label: str) -> bool:
    return label.casefold() in _GENERIC_WORDS


_HAS_WORD = re.compile(r"\w")
# questions, book titles and quoted sayings are commentary, not technique names
_NOT_A_NAME = re.compile(
    r"[《》“”\"?？]|为什么|如何|怎么|怎样|什么|是否|吗$|\b(?:how|why|what|when)\b"
    r"|进行|可以|需要|应该|尽量|也会|如果|因为|所以|但是|我们|就是|一个|写作|往",
    re.I,
)
_SENTENCE = re.compile(r"[。，,；;！!？?：:]|\.\s|\.$|\s-\s")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9][\w\-'+/&]*")


def is_method_name(text: str) -> bool:
    """A short technique name (``few-shot learning``, ``NAS``, ``剪枝``), not a sentence.

    >>> is_method_name("Data-free Compression"), is_method_name("learning with bias data")
    (True, True)
    >>> is_method_name("pruning is an architecture search paradigm for compact nets.")
    False
    >>> is_method_name("修剪 resnet50，而不影响可解释性；"), is_method_name("为什么要做归一化")
    (False, False)
    >>> is_method_name("《百面机器学习》"), is_method_name("人")
    (False, False)
    """
    t = text.strip()
    if not t or _SENTENCE.search(t) or _generic(t) or _NOT_A_NAME.search(t):
        return False
    words = _LATIN_WORD.findall(t)
    cjk = len(_CJK.findall(t))
    if not words and cjk < 2:
        return False
    if cjk > 8 or len(words) > 5 or (cjk and len(words) > 3):
        return False
    return not t[0].isdigit() or any(c.isalpha() for c in t[1:])



# --------------------------------------------------------------------------- typing by content
#
# A heading, list item or tag becomes a topic or method only when it names a research
# entity. :func:`judge_name` looks for evidence beyond position -- the field glossary, the
# shape of a name (acronyms, CamelCase, ``X-Net``, ``X loss``), a technical head noun, how
# common the words are in general language -- and rejects, with a reason, what is plainly
# something else: structure, pseudocode, metrics, dates, people, organisations, sentences.

#: Headings that structure a post and name nothing (besides :data:`GENERIC_HEADINGS`).
STRUCTURAL_HEADINGS: frozenset[str] = frozenset(
    {
        "notation", "notations", "setup", "set up", "problem setup", "problem setting",
        "problem statement", "problem formulation", "formulation", "preliminaries",
        "preliminary", "motivation", "motivations", "key idea", "key ideas", "main idea",
        "main ideas", "the idea", "idea", "ideas", "intuition", "insight", "insights",
        "takeaways", "key takeaways", "takeaway", "quick summary", "tl;dr", "tldr",
        "known problems", "open problems", "open questions", "limitations", "limitation",
        "challenges", "challenge", "problems", "problem", "questions", "question", "answers",
        "implementation", "implementation details", "details", "training details", "training",
        "evaluation", "experiment", "experimental setup", "experimental results", "setting",
        "settings", "analysis", "ablation", "ablations", "ablation study", "ablation studies",
        "results and discussion", "main results", "findings", "observations", "future",
        "next steps", "what's next", "whats next", "outline", "agenda", "recap", "review",
        "architecture", "model architecture", "network architecture", "model", "models",
        "the model", "our model", "our approach", "our method", "the approach", "approaches",
        "proposed method", "algorithm", "algorithms", "pseudocode", "pseudo code", "framework",
        "pipeline", "overview of the method", "method overview", "model overview", "data", "data collection", "benchmarks", "benchmark", "baselines", "baseline",
        "metrics", "evaluation metrics", "performance", "comparison", "comparisons",
        "related", "prior work", "previous work", "existing work", "existing methods",
        "acknowledgments and references", "bibtex", "citation", "paper link", "links",
        "authors", "author", "team", "about", "about me", "contact", "disclaimer",
        "part 1", "part 2", "part 3", "part i", "part ii", "part iii", "step 1", "step 2",
        "step 3", "loss", "losses", "objective", "inference", "training and inference",
        "写在前面", "写在后面", "写在后面的话", "写在最后", "前言", "后记", "结语", "尾声", "总结",
        "小结", "网络结构", "模型结构", "网络架构", "模型架构", "整体架构", "整体结构", "框架",
        "算法流程", "算法", "模型", "网络", "结构", "架构", "实现", "实现细节", "细节", "训练",
        "训练细节", "测试", "推理", "数据", "数据准备", "数据处理", "预处理", "环境", "环境配置",
        "配置", "问题", "存在的问题", "问题描述", "动机", "创新点", "主要贡献", "优点", "缺点",
        "优缺点", "特点", "局限性", "不足", "改进", "应用场景", "场景", "思想", "核心思想",
        "主要思想", "基本思想", "算法思想", "基本原理", "原理介绍", "介绍", "简述", "概览",
        "概要", "要点", "重点", "难点", "分析", "对比", "比较", "评价", "评估", "指标",
        "性能", "效果", "实验分析", "实验设置", "实验对比", "消融实验", "相关工作", "参考论文",
        "论文信息", "论文地址", "论文链接", "代码地址", "源码", "作者", "发展历程", "历史",
        "现状", "研究现状", "发展现状", "趋势", "挑战", "未来", "待续", "未完待续", "后续",
        "补充", "更新记录", "问答", "常见问题", "原理", "原理解析", "解析", "详解", "应用",
        "算法分类", "方法分类", "模型分类", "技术分类", "分类方法", "面试题", "习题", "练习", "作业", "附",
        "损失", "目标函数", "输入", "输出", "步骤", "流程图", "结构图", "示意图", "图示",
    }
)  # fmt: skip
_STRUCT_PREFIX = re.compile(
    r"^(?:other|more|misc|further|additional|related|some|various|a few|selected|recent|"
    r"our|my|the (?:main|key)|part|chapter|section|step|stage|appendix|lesson|lecture|"
    r"week|day|q\d|case study|new|附录|第.|其他|其它|相关|更多|一些)\b",
    re.I,
)
_STRUCT_SUFFIX = re.compile(
    r"\b(?:overview|results?|code|details|examples?|setup|summary|introduction|notes?|"
    r"discussion|visuali[sz]ation|comparison|experiments?|analysis|implementation|demo|"
    r"explained|revisited|in practice|basics|101|faq|links?|resources?|references?|api|apis|"
    r"specifics|formalism|tasks|datasets?|benchmarks?|environments?|suite|library|toolkit|"
    r"questions?|problems?|tips|tricks|issues?|walkthrough|tutorial|approach|strategy|"
    r"interpretation|platform|tool|tools|software|competition|challenge|benefits?|advantages?|"
    r"disadvantages?|computation|variants?|pros|cons|properties|intuitions?|inference|"
    r"training|testing|evaluation|explanations?|explained|recap|review|pipeline|"
    r"(?:additional|more|further|background|general) info(?:rmation)?)$"
    r"|(?:总结|简介|介绍|概述|小结|笔记|资料|资源|汇总|整理|记录|实践|实战|代码|示例|对比|详解|教程|入门|"
    r"平台|工具|软件|框架|数据集|比赛|竞赛|大赛|挑战赛|技巧|经验|心得|变种|变体|系列|家族|总览)$",
    re.I,
)
_PSEUDOCODE = re.compile(
    r"^(?:for|while|if|else|elif|end|endif|endfor|endwhile|repeat|until|return|do|then|"
    r"initiali[sz]e|input|output|require|ensure|function|procedure|def|let|set|update|"
    r"compute|sample|loop|break|continue|print|import|from|class)\b(?![-_])"
    r"|[=←→⇐⇒≤≥≠∑∏∈∀∃∇]|:=|\\[a-z]+|[_^]\{|\b[a-zA-Z]_[a-zA-Z0-9]\b|\w\(\w*\)",
    re.I,
)
_METRIC = re.compile(r"\d+(?:\.\d+)?\s*[%‰]|\d+\.\d+|[<>]\s*\d|\d+\s*(?:ms|fps|gb|mb|kb|倍|万|亿)\b", re.I)
_DATE = re.compile(
    r"^(?:\d{4}[-/.年]\d{1,2}(?:[-/.月]\d{1,2}日?)?|(?:19|20)\d{2}\s*年?|\d{1,2}月\d{1,2}日"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:,?\s*\d{4})?"
    r"|\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?:\s+\d{4})?"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(?:19|20)\d{2})$",
    re.I,
)
_ORGS: frozenset[str] = frozenset(
    {
        "google", "google brain", "google research", "deepmind", "google deepmind", "facebook",
        "meta", "meta ai", "fair", "facebook ai", "microsoft", "microsoft research", "msra",
        "amazon", "aws", "apple", "nvidia", "openai", "anthropic", "ibm", "intel", "amd",
        "qualcomm", "uber", "tesla", "waymo", "twitter", "netflix", "adobe", "samsung", "sony",
        "huawei", "baidu", "alibaba", "tencent", "bytedance", "sensetime", "megvii", "xiaomi",
        "百度", "阿里", "阿里巴巴", "阿里云", "腾讯", "华为", "字节", "字节跳动", "商汤", "旷视",
        "科大讯飞", "讯飞", "小米", "京东", "美团", "滴滴", "依图", "云从", "海康", "海康威视",
        "大华", "微软", "谷歌", "脸书", "亚马逊", "英伟达", "苹果", "网易", "搜狗", "快手",
        "知乎", "知乎专栏", "csdn", "github", "arxiv", "youtube", "bilibili", "medium",
        "stackexchange", "stack exchange", "stackoverflow", "stack overflow", "reddit", "quora",
        "berkeley", "stanford", "mit", "cmu", "uc berkeley", "bair", "清华", "北大",
        "清华大学", "北京大学", "中科院", "浙大", "浙江大学", "上海交大", "港中文",
    }
)  # fmt: skip
_ORG_SUFFIX = re.compile(
    r"(?:\b(?:inc|ltd|llc|corp|corporation|company|co|gmbh|university|institute|lab|labs|"
    r"laboratory)\.?|公司|集团|科技|大学|学院|研究院|研究所|实验室)$",
    re.I,
)
#: Characters Chinese writes foreign names with; a label made of them alone is a person.
_TRANSLIT = frozenset(
    "阿埃艾安奥巴保贝本比宾波伯布查达戴丹道德迪蒂丁杜多厄恩法菲费芬弗福盖冈戈哥格古哈海汉赫亨"
    "胡华霍基吉加贾杰金卡凯坎康柯科克肯库拉莱赖兰劳勒雷里利莉林琳卢鲁路伦罗洛马迈麦曼梅蒙米莫"
    "姆穆纳娜奈南内尼涅纽诺欧帕佩彭皮珀普齐奇乔切琼萨塞桑瑟森沙莎尚舍施史斯松苏索塔泰坦汤唐特"
    "尔罕博柏卓丘昂奎宁弥蕾薇黛缇芙琪"
    "提图托瓦威韦维温沃乌伍西希夏谢辛休雅亚扬耶伊因尤约泽扎詹兹朱·•"
)
_GIVEN_NAMES: frozenset[str] = frozenset(
    ["john", "james", "robert", "michael", "william", "david", "richard", "joseph", "thomas", "charles", "daniel", "matthew", "mark", "paul", "steven", "andrew", "kenneth", "joshua", "kevin", "brian", "george", "timothy", "ronald", "jason", "edward", "jeffrey", "ryan", "jacob", "gary", "nicholas", "eric", "jonathan", "stephen", "larry", "justin", "scott", "brandon", "benjamin", "samuel", "frank", "gregory", "alexander", "patrick", "jack", "dennis", "peter", "tyler", "aaron", "henry", "adam", "nathan", "zachary", "kyle", "ethan", "christian", "sergey", "pieter", "chelsea", "fei-fei", "yann", "yoshua", "geoffrey", "ian", "ilya", "andrej", "alex", "alexei", "kaiming", "ross", "jitendra", "trevor", "dawn", "anca", "sergey", "jia", "mary", "patricia", "jennifer", "linda", "elizabeth", "barbara", "susan", "jessica", "sarah", "karen", "lisa", "nancy", "emily", "emma", "olivia", "sophia", "anna", "maria", "laura", "rachel", "hannah", "yi", "yang", "wei", "li", "zhang", "wang", "chen", "liu"]
)  # fmt: skip
_EN_STOP = re.compile(
    r"\b(?:is|are|was|were|be|been|being|am|can|could|will|would|should|shall|may|might|"
    r"must|does|do|did|has|have|had|we|our|us|you|your|i|me|my|it|its|they|their|them|he|"
    r"she|his|her|this|these|those|there|here|that|which|who|whom|whose|what|why|how|when|"
    r"where|not|no|if|so|than|then|just|very|also|about|into|onto|using|used|use|let|the|a|an|"
    r"get|gets|got|make|makes|made|etc|e\.g|i\.e|vs|versus)\b",
    re.I,
)
_EN_EDGE = re.compile(
    r"^(?:the|a|an|of|to|in|on|at|by|for|with|and|or|but|as|from|via|per)\b"
    r"|\b(?:the|a|an|of|to|in|on|at|by|for|with|and|or|but|as|from|via|per|is|are)$",
    re.I,
)
_ZH_SENTENCE = re.compile(
    r"[的了吗呢吧啊着过把被让使给对而且就都也还又很太更最]|我|你|他|她|它|这|那|哪|"
    r"如何|怎么|怎样|为什么|什么|是否|可以|能够|需要|应该|通过|进行|比较|以及|或者|还是|"
    r"如果|因为|所以|但是|然后|之后|之前|其中|一些|一个|一种|这个|那个|东西|时候|注意|"
    r"达到|超过|获得|取得|采用|包括|包含|支持|可能|必须|做|优势|好处|缺点|优点",
)
#: Last words (singular, case-folded) that name a technique or a research problem.
_EN_HEADS: frozenset[str] = frozenset(
    ["learning", "network", "net", "detection", "detector", "estimation", "segmentation", "classification", "classifier", "recognition", "regression", "clustering", "generation", "generator", "translation", "transfer", "retrieval", "tracking", "tracker", "attention", "convolution", "pooling", "normalization", "regularization", "optimization", "optimizer", "pruning", "quantization", "distillation", "compression", "search", "embedding", "encoder", "decoder", "autoencoder", "transformer", "loss", "descent", "propagation", "inference", "sampling", "sampler", "reconstruction", "synthesis", "matching", "alignment", "registration", "localization", "captioning", "parsing", "tagging", "labeling", "extraction", "prediction", "forecasting", "planning", "reasoning", "adaptation", "generalization", "augmentation", "factorization", "decomposition", "initialization", "dropout", "gan", "vae", "rnn", "cnn", "lstm", "gnn", "mlp", "kernel", "perceptron", "machine", "policy", "q-learning", "bandit", "exploration", "imitation", "distillation", "hashing", "quantizer", "super-resolution", "denoising", "inpainting", "deblurring", "dehazing", "colorization", "spotting", "odometry", "slam", "mapping", "calibration", "completion", "verification", "identification", "re-identification", "counting", "understanding", "answering", "summarization", "diarization", "separation", "enhancement", "synthesis", "anonymization", "watermarking", "steganography", "steganalysis", "interpolation", "flow", "diffusion", "field", "process", "filter", "filtering", "algorithm", "backbone"]
)  # fmt: skip
_ZH_HEADS = re.compile(
    r"(?:学习|网络|检测|识别|分割|分类|算法|压缩|剪枝|量化|蒸馏|估计|生成|匹配|跟踪|追踪|损失|"
    r"优化|嵌入|注意力|卷积|回归|聚类|降维|搜索|增强|迁移|对齐|编码器?|解码器?|重建|建模|表示|表征|"
    r"预测|定位|检索|配准|合成|去噪|超分辨率|采样|池化|归一化|正则化|初始化|滤波|变换|融合|攻击|"
    r"防御|隐写|水印|翻译|摘要|问答|对话|抽取|标注|解析|理解|描述|补全|修复|去雾|去模糊|计数|"
    r"网|机|器|模型|机制|推断|规划|推理|决策|控制|散度|距离|函数|分布|过程)$"
)
_ACRONYM = re.compile(r"^(?=.*[A-Z].*[A-Z0-9])[A-Z][A-Za-z0-9]*(?:[-+][A-Za-z0-9]+)*$")
_CAMEL = re.compile(r"^[A-Z]?[a-z]+[A-Z][A-Za-z0-9]*$|^[A-Z][A-Za-z]*-?v?\d+[a-z]?$")
_X_NET = re.compile(r"[A-Za-z0-9]-?(?:Net|NET|Former|GAN|BERT|GPT|CNN|RNN|Seg|Det)s?\b")
_X_LOSS = re.compile(r"\w\s+loss$", re.I)


@functools.lru_cache(maxsize=1)
def _quiet_tokenizer() -> None:
    """jieba (wordfreq's Chinese tokenizer) announces loading its dictionary; keep it quiet."""
    try:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
    except ImportError:  # pragma: no cover - declared dependency
        pass


@functools.lru_cache(maxsize=65536)
def _zipf(word: str, lang: str) -> float:
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # pragma: no cover - declared dependency
        return 0.0
    _quiet_tokenizer()
    try:
        return zipf_frequency(word, lang)
    except Exception:  # a missing tokenizer for the language: no evidence either way
        return 0.0


def _singular(word: str) -> str:
    w = word.casefold()
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "sis", "us")):
        return w[:-1]
    return w


def is_structural(label: str) -> bool:
    """A heading that structures a post rather than naming a research entity.

    >>> is_structural("Notations"), is_structural("写在后面的话"), is_structural("Quick Summary")
    (True, True, True)
    >>> is_structural("Implementation Details"), is_structural("Graph Attention")
    (True, False)
    """
    t = " ".join(label.casefold().split()).strip(" .:：!！")
    return (
        t in GENERIC_HEADINGS
        or t in STRUCTURAL_HEADINGS
        or bool(_STRUCT_PREFIX.match(t))
        or bool(_STRUCT_SUFFIX.search(t))
    )


#: The user's alias entries (``kg build --aliases``): their names are always entities.
_USER_NAMES: Glossary | None = None


def use_names(terms: Sequence[Term] = ()) -> None:
    """Accept the names of ``terms`` (a user's alias file) as entities in later extractions.

    >>> from kg.notes.glossary import Term
    >>> use_names([Term("Design Choices")]); judge_name("Design Choices", "topic")
    (True, 'alias file')
    >>> use_names(); judge_name("Design Choices", "topic")[0]
    False
    """
    global _USER_NAMES
    _USER_NAMES = Glossary(list(terms)) if terms else None


def judge_name(label: str, kind: str = "method") -> tuple[bool, str]:
    """Whether ``label`` names a research entity, and why (the evidence or the reason to reject).

    ``kind`` is ``"method"`` (a list item), ``"topic"`` (a heading) or ``"tag"``.

    >>> judge_name("GCN"), judge_name("元学习", "topic"), judge_name("Focal loss")
    ((True, 'glossary'), (True, 'glossary'), (True, 'glossary'))
    >>> judge_name("Road Object Detection", "topic")
    (True, 'ends with a glossary term')
    >>> judge_name("For"), judge_name("While ( != TERMINAL) and"), judge_name("准确率 99.5%")
    ((False, 'pseudocode'), (False, 'pseudocode'), (False, 'metric or number'))
    >>> judge_name("is the decoder distribution"), judge_name("保罗·维奥拉")
    ((False, 'sentence'), (False, 'person'))
    >>> judge_name("Notations", "topic"), judge_name("etc"), judge_name("Google")
    ((False, 'structural heading'), (False, 'sentence'), (False, 'organisation'))
    >>> judge_name("User study", "topic"), judge_name("2019-04-18", "topic")
    ((False, 'no sign of a named research entity'), (False, 'date'))
    """
    from kg.notes.glossary import default_glossary, to_simplified

    t = " ".join(to_simplified(label).split()).strip(" :：-–—*")
    if not t or not _HAS_WORD.search(t):
        return False, "no name"
    low = t.casefold()
    if _USER_NAMES is not None and _USER_NAMES.lookup(t) is not None:
        return True, "alias file"
    glossary = default_glossary()
    if glossary.lookup(t) is not None:
        return True, "glossary"
    if _DATE.match(t):
        return False, "date"
    if is_dataset(t):
        return False, "data set or benchmark"
    if is_structural(t) or _MARKER.search(t):
        return False, "structural heading"
    if _defines_acronym(t) and not is_structural(_PAREN_TAIL.sub("", t)):
        return True, "defines its acronym"
    if _VERSION_OF.search(t):
        return False, _VERSION_REASON  # "DETR Architecture", "DAT Version": X is the entity
    if _described_network(t):
        return False, "generic phrase (a network described, not named)"
    if kind != "method" and re.search(r"\bdata$", low):
        return False, "data description"
    if _DATA_HANDLING.match(t):
        return False, "data description"
    if _PSEUDOCODE.search(t):
        return False, "pseudocode"
    if re.search(r"(?<!\d)(?:19|20)\d{2}(?!\d)", t):
        return False, "dated name (an event or edition)"
    if _COURSE.match(t):
        return False, "course or lecture"
    if _METRIC.search(t) or (t[0].isdigit() and not re.match(r"^\d+(?:\.\d+)?[Dd]\b", t)):
        return False, "metric or number"
    if low in _ORGS or _ORG_SUFFIX.search(t) or low.split()[0] in _ORGS:
        return False, "organisation"
    if low in _METRIC_NAMES:
        return False, "metric or number"
    cjk = _CJK.findall(t)
    words = _LATIN_WORD.findall(t)
    if len(cjk) >= 3 and all(c in _TRANSLIT for c in t if not c.isspace()):
        return False, "person"
    if "·" in t or "•" in t:
        return False, "person"
    if (
        len(words) in (2, 3) and not cjk and words[0].casefold() in _GIVEN_NAMES
        and all(w[:1].isupper() for w in words)
    ):
        return False, "person"
    if _SENTENCE.search(t) or _NOT_A_NAME.search(t):
        return False, "sentence"
    if words and not cjk and (_EN_STOP.search(t) or _EN_EDGE.search(t)):
        return False, "sentence"
    if words and not cjk and len(words) >= 2 and _starts_with_verb(words[0]):
        return False, _VERB_FIRST
    if cjk and (_ZH_SENTENCE.search(t) or _ZH_VERB_FIRST.match(t)):
        return False, "sentence"
    if cjk and re.search(r"[&/、和及与]", t):
        return False, "two names joined"
    if cjk and re.search(r"(?:方法|技术|方案|思路|算法|模型)$", t) and len(cjk) > 2:
        head = re.sub(r"(?:方法|技术|方案|思路|算法|模型)$", "", t).strip()
        if glossary.lookup(head) is not None or _TASK_HEADS_ZH.search(head):
            return False, "generic phrase"  # "目标检测方法": methods of a task, no one name
    if _GENERIC_QUALIFIED.match(t):
        return False, "generic phrase"
    if words and not cjk and _EN_PREP.search(t):
        return False, "phrase, not a name"
    if len(words) > 6 or len(cjk) > 12 or (cjk and len(words) > 3):
        return False, "too long for a name"
    if cjk and not words and len(_zh_tokens(t)) == 1 and _zipf(t, "zh") >= 4.3:
        return False, "common word"
    if not cjk and len(words) == 1 and t.isupper() and _zipf(low, "en") >= 4.0:
        return False, "common word"
    # -- evidence
    connective = bool(words and not cjk and _EN_CONNECTIVE.search(t))
    if len(words) >= 2 and not cjk and words[0].casefold() in _EVALUATIVE:
        rest = " ".join(words[1:])
        if glossary.lookup(rest) is not None or _ends_with_term(rest, glossary):
            return False, "generic phrase"  # "Unexpected Generalization": a remark on a term
    if not cjk and len(words) == 1 and (_ACRONYM.match(t) or _CAMEL.match(t)):
        if "-" in t and all(w.isalpha() and (w[1:].islower() or w.islower())
                            and _zipf(w.casefold(), "en") >= 4.0 for w in t.split("-")):  # fmt: skip
            return False, "common words"  # "Bottom-Up", "Top-Down": no name's shape
        return True, "name shape"
    if not connective and (_X_NET.search(t) or (_X_LOSS.search(t) and len(words) <= 4)):
        return True, "name shape"
    if (gloss := _GLOSSED.match(t)) is not None and len(en := gloss.group(1).split()) <= 4:
        head = _singular(en[-1])
        if (glossary.lookup(" ".join(en)) is not None or head in _TASK_HEADS_EN
                or head in _EN_HEADS or _zipf(" ".join(en).casefold(), "en") < 3.5):  # fmt: skip
            return True, "glossed with its English name"
    term = glossary.contains(t)
    if cjk and term is None and re.search(r"(?:应用|场景|领域|方向)$", t):
        return False, "structural heading"
    if term is not None and cjk and len(cjk) <= 10:
        return True, "contains glossary term"
    if term is not None and not cjk and not connective and _ends_with_term(t, glossary):
        return True, "ends with a glossary term"
    if connective:
        return False, _CONNECTIVE
    if any(_ACRONYM.match(w) and len(w) >= 2 and w.upper() == w for w in words) and len(words) <= 4:
        return True, "contains an acronym"
    if cjk and not words and _ZH_HEADS.search(t) and len(cjk) >= 3:
        return True, "technical head noun"
    if words and not cjk:
        head = _singular(words[-1])
        singular = head == words[-1].casefold()
        if len(words) == 2 and singular and head in _COMPONENTS and (
            _zipf(words[0], "en") >= 4.0 or _singular(words[0]) in _COMPONENTS
        ):  # fmt: skip
            return False, "generic component"  # "Mask Decoder", "Encoder Backbone"
        if head in _EN_HEADS and len(words) >= 2:
            if all(_zipf(w, "en") >= 5.0 for w in words[:-1]):
                return False, "common words"
            return True, "technical head noun"
        if len(words) == 1 and _zipf(t, "en") >= 3.5:
            return False, "common word"
        if len(words) == 1 and kind == "method" and 0 < _zipf(t, "en") < 2.5 and t[:1].isupper():
            return True, "rare term"
    return False, _NO_EVIDENCE


_NO_EVIDENCE = "no sign of a named research entity"
#: "X Architecture", "X Version", "X 架构": the architecture or a version of the entity X.
_VERSION_OF = re.compile(
    r"\S\s+(?:architecture|version|variant)$|[\w\u3400-\u9fff]\s*(?:架构|版本|变体)$", re.I
)
_VERSION_REASON = "a part or version of a named model"
#: A results or experiments heading: what is under it are its settings and experiments.
_RESULTS = re.compile(
    r"^(?:\d+(?:\.\d+)*\s*)?(?:(?:main\s+|experimental\s+)?results?|experiments?|evaluations?|"
    r"ablations?(?:\s+stud(?:y|ies))?|实验(?:结果)?|结果|评估|消融实验)$",
    re.I,
)
#: Generic heads a common word can qualify without naming anything ("Dense Neural Networks").
_GENERIC_NETS = re.compile(
    r"^(?:(?P<zh>[\u3400-\u9fff]{2,3})\s*|(?P<en>[A-Za-z]+)\s+)(?:neural networks?|神经网络|网络|CNNs?|RNNs?)$",
    re.I,
)


def _described_network(text: str) -> bool:
    """``text`` is one common word before a generic network noun: a network described, not
    named (``Dense Neural Networks``, ``扩展 CNN``, ``点云神经网络``); a glossary term is
    looked up before this.

    >>> _described_network("Dense Neural Networks"), _described_network("扩展 CNN")
    (True, True)
    >>> _described_network("Siamese Neural Networks"), _described_network("孪生网络")
    (False, False)
    """
    m = _GENERIC_NETS.match(text)
    if m is None:
        return False
    if m.group("zh"):
        return _zipf(m.group("zh"), "zh") >= 3.9
    mod = m.group("en")
    return not (_ACRONYM.match(mod) or _CAMEL.match(mod)) and _zipf(mod.casefold(), "en") >= 3.9


#: A heading about companies or products: its list items are products, not methods.
_COMMERCIAL = re.compile(
    r"公司|企业|厂商|厂家|产品|\b(?:compan(?:y|ies)|products?|vendors?|startups?|commercial)\b", re.I
)
_ACRONYM_DEF = re.compile(r"^(?P<name>[A-Za-z][\w\- ]{4,80}?)\s*[(（](?P<abbr>[A-Za-z][A-Za-z0-9\-]{1,9})[)）]$")


def _defines_acronym(text: str) -> bool:
    """Whether ``text`` is a name followed by its own acronym, as a named method is introduced.

    >>> _defines_acronym("Starts of Intermediate Difficulty (SoID)")
    True
    >>> _defines_acronym("Adaptive Risk Minimization (ARM)"), _defines_acronym("Results (2019)")
    (True, False)
    >>> _defines_acronym("Our approach (new)")
    False
    """
    m = _ACRONYM_DEF.match(text)
    if m is None:
        return False
    letters = [c for c in m.group("abbr") if c.isupper()]
    initials = [w[0].upper() for w in re.split(r"[\s\-]+", m.group("name")) if w]
    if len(letters) < 2 or letters[0] != initials[0]:
        return False
    it = iter(initials)
    return all(any(c == i for i in it) for c in letters)


#: Well-known data sets, benchmarks and evaluation environments of the field (folded names).
#: A section or list item named after one is about evaluation data, not a research entity.
DATASETS = frozenset(
    ["mnist", "fashion-mnist", "emnist", "kmnist", "cifar", "cifar-10", "cifar-100", "svhn", "stl-10", "imagenet", "imagenet-1k", "imagenet-21k", "imagenet-22k", "tiny-imagenet", "mini-imagenet", "miniimagenet", "tieredimagenet", "omniglot", "coco", "ms-coco", "mscoco", "lvis", "objects365", "open-images", "pascal-voc", "voc", "ade20k", "cityscapes", "kitti", "nuscenes", "waymo-open-dataset", "argoverse", "shapenet", "modelnet", "modelnet40", "scannet", "celeba", "celeba-hq", "lsun", "ffhq", "cub", "cub-200", "cub-200-2011", "caltech-101", "caltech-256", "places365", "food-101", "flowers-102", "oxford-pets", "dtd", "sun397", "jft-300m", "laion", "laion-400m", "laion-5b", "cc3m", "cc12m", "flickr30k", "visual-genome", "vqav2", "gqa", "squad", "squad2.0", "glue", "superglue", "wikitext", "wikitext-103", "penn-treebank", "ptb", "wmt", "librispeech", "timit", "voxceleb", "audioset", "kinetics", "kinetics-400", "kinetics-600", "ucf101", "ucf-101", "hmdb51", "sports-1m", "youtube-8m", "something-something", "davis", "youtube-vos", "youtube-vis", "mot16", "mot17", "mot20", "ucf-qnrf", "shanghaitech", "atari", "mujoco", "d4rl", "openai-gym", "gym", "dm-control", "procgen", "minigrid", "antmaze", "meta-world", "metaworld", "rlbench", "habitat", "carla", "cora", "citeseer", "pubmed", "ogb", "ogbn-arxiv", "ogbn-products", "qm9", "zinc", "imdb", "sst", "sst-2", "ms-marco", "triviaqa", "hotpotqa", "natural-questions", "mmlu", "gsm8k", "humaneval", "big-bench"]
)
#: "Sports-1M", "YFCC100M", "JFT-3B": a name with a count of samples is a data set.
_DATASET_SIZE = re.compile(r"^[A-Za-z][A-Za-z0-9]*-?\d+(?:\.\d+)?[MBK]$")


def is_dataset(name: str) -> bool:
    """``name`` is a data set or benchmark environment (the name, or the name and a subset).

    >>> is_dataset("CIFAR-10"), is_dataset("D4RL Gym"), is_dataset("Sports-1M"), is_dataset("ResNet-50")
    (True, True, True, False)
    >>> is_dataset("COCO detection"), is_dataset("Atari games"), is_dataset("Pascal VOC Linear Classification")
    (True, True, True)
    """
    words = name.split()
    if not words or len(words) > 4:
        return False
    key = "-".join(w.casefold() for w in words)
    if key in DATASETS or _DATASET_SIZE.match(name):
        return True
    head = words[0].casefold().rstrip(",:")
    if len(words) >= 2 and "-".join(w.casefold() for w in words[:2]) in DATASETS:
        return True  # "Pascal VOC Linear Classification": a benchmark on a data set
    return head in DATASETS and len(words) <= 3 and head not in ("gym", "habitat")


#: Qualities that results and challenges sections discuss one by one ("### Generalization",
#: "### Robustness" under "# Experiments"): as a sub-heading such a word is an aspect of the
#: work at hand, not the field the note is about.
ASPECTS = frozenset(
    ["generalization", "generalisation", "robustness", "optimization", "optimisation", "efficiency", "scalability", "stability", "interpretability", "explainability", "compositionality", "fairness", "safety", "privacy", "security", "performance", "accuracy", "convergence", "reliability", "expressivity", "expressiveness", "transferability", "adaptability", "controllability", "diversity", "quality", "latency", "speed", "memory"]
)


def is_aspect(label: str) -> bool:
    """``label`` is one quality word (``Robustness``, ``Sample efficiency``).

    >>> is_aspect("Robustness"), is_aspect("Sample Efficiency"), is_aspect("Domain Generalization")
    (True, True, False)
    """
    words = label.casefold().split()
    return bool(words) and (
        (len(words) == 1 and words[0] in ASPECTS)
        or (len(words) == 2 and words[0] in ("sample", "data", "compute", "computational")
            and words[1] in ASPECTS)
    )  # fmt: skip


#: A description in parentheses after a name: "(image gen from text)", lower case, 2+ words.
_DESCRIBED = re.compile(r"\s*[(（][a-z][a-z\-]*(?:\s+[a-z][\w\-]*)+[)）]\s*$")
#: Evidence that a phrase is a name by itself, whatever the phrase says around it.
_NAME_EVIDENCE = frozenset(
    ["alias file", "glossary", "name shape", "contains an acronym", "defines its acronym",
     "glossed with its English name"]  # fmt: skip
)
#: Evidence that a made-up name gives (a brand name has it too); under a company, a product.
_BRAND_EVIDENCE = frozenset(["name shape", "rare term", "contains an acronym"])
#: "分类（classification）": a term glossed with its English name by the author.
_GLOSSED = re.compile(r"^[\u3400-\u9fff]{2,8}\s*[(（]\s*([A-Za-z][A-Za-z\- ]{2,40})\s*[)）]$")
#: Summary and housekeeping markers inside a heading ("VAE TLDR", "Training FAQ").
_MARKER = re.compile(r"\b(?:TL;?\s?DR|FAQs?|TODO|Q&A|Recap|Cheat ?sheet)\b", re.I)
#: A course number opening a heading: "EECS 442 Contrastive Learning", "CS231n Lecture 5".
_COURSE = re.compile(r"^[A-Z]{2,5}\s?\d{3}[a-z]?\b")
#: Evaluative words that make a remark about a concept, not a new name for one.
_EVALUATIVE = frozenset(
    {
        "unexpected", "surprising", "optimal", "improved", "better", "best", "simple",
        "simpler", "efficient", "effective", "practical", "scalable", "towards", "toward",
        "beyond", "revisiting",
    }
)  # fmt: skip
_DATA_HANDLING = re.compile(
    r"^(?:data|dataset|datasets|label|labels|mask|masks|sample|samples)\s+"
    r"(?:generation|collection|preparation|processing|cleaning|loading|format)$",
    re.I,
)
#: Parts of a model; "Mask Decoder" or "Prediction Network" name a part, not an entity.
_COMPONENTS = frozenset(
    ["decoder", "encoder", "network", "detector", "generator", "backbone", "head", "module", "layer", "block", "branch", "kernel", "unit", "stage", "component"]
)
#: Head nouns of the parts of a model a paper describes (no "network": those are models).
_PARTS = frozenset(
    ["decoder", "encoder", "head", "module", "layer", "block", "branch", "kernel", "unit",
     "stage", "component", "initialization", "initialisation", "backbone",
     # its loss terms and the steps of its method ("RoI Loss", "Instruction Generation")
     "loss", "losses", "objective", "pipeline", "procedure", "step", "generation", "extraction",
     "segmentation", "prediction", "matching"]
)  # fmt: skip
#: The same in Chinese: "文本特征提取", "候选框生成" in a note about one paper.
_PARTS_ZH = re.compile(r"(?:提取|生成|模块|损失|损失函数|分支|编码器|解码器|流程|步骤|初始化)$")
#: Evidence that keeps a part's name in a paper note: the field or the user knows it.
_KNOWN = frozenset(["alias file", "glossary", "defines its acronym", "glossed with its English name"])
_MODEL_PART = "a part of the paper's model (in a note about one paper)"
_PAREN_TAIL = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")
_TASK_HEADS_EN = frozenset(
    ["detection", "recognition", "segmentation", "estimation", "classification", "retrieval", "tracking", "captioning", "answering", "summarization", "translation", "prediction", "forecasting", "counting", "understanding", "verification", "identification", "re-identification", "parsing", "localization", "spotting", "analysis", "diarization", "separation", "enhancement", "super-resolution", "inpainting", "denoising", "deblurring", "dehazing", "colorization", "driving", "system", "robotics", "reconstruction", "registration", "matching", "synthesis", "editing", "generation", "perception", "distance", "divergence", "distribution", "metric", "score", "error", "matrix", "curve"]
)  # fmt: skip
_TASK_HEADS_ZH = re.compile(
    r"(?:检测|识别|分割|估计|检索|跟踪|追踪|描述|问答|摘要|翻译|预测|计数|理解|验证|定位|分析|分离|"
    r"增强|超分辨率|超分|修复|去噪|去雾|去模糊|驾驶|规划|对话系统|推荐系统|系统|重建|配准|编辑|生成|"
    r"匹配|合成|处理|应用|分类|感知|分布|散度|距离|矩阵|指标|分数|曲线|误差|摄影|成像|编码|函数)$"
)


def names_a_task(label: str) -> bool:
    """Whether a list item names a task or field (a topic) rather than a technique.

    The glossary decides for its terms (a ``paradigm`` such as few-shot learning stays
    where the list puts it); other names by their head noun.

    >>> names_a_task("人脸识别（face recognition）"), names_a_task("Autonomous Driving")
    (True, True)
    >>> names_a_task("few-shot learning"), names_a_task("PPO"), names_a_task("Data-free Compression")
    (False, False, False)
    """
    from kg.notes.glossary import default_glossary

    core = _PAREN_TAIL.sub("", label).strip() or label
    glossary = default_glossary()
    paren = label[len(core):].strip(" （）()")
    if paren and paren != label and not _CJK.search(paren) and names_a_task(paren):
        return True  # "视角转换（view synthesis）": the English name says it is a task
    term = glossary.lookup(core)
    if term is None and core.split():
        last = glossary.lookup(core.split()[-1])  # "目标 SLAM"
        term = last if last is not None and last.abbr and core.split()[-1] in last.abbr else None
    if term is not None:
        return term.kind == "topic"
    if _CJK.search(core):
        part = glossary.contains(core)  # "嘈杂场景语音唤醒" ends with a task's name
        if part is not None and any(term_key(core).endswith(term_key(n)) for n in part.names):
            return part.kind == "topic"
        return bool(_TASK_HEADS_ZH.search(core))
    words = _LATIN_WORD.findall(core)
    return bool(words) and _singular(words[-1]) in _TASK_HEADS_EN
_CONNECTIVE = "a phrase joining words, not one name"
_VERB_FIRST = "sentence (starts with a verb)"
#: reasons a list item is still a method when most of its siblings are named entities
_SOFT_REASONS = frozenset({_NO_EVIDENCE, _CONNECTIVE})
_METRIC_NAMES = frozenset(
    ["flops", "flop", "macs", "mac", "params", "parameters", "top-1", "top-5", "top1", "top5", "fps", "latency", "throughput", "runtime", "speed", "memory", "参数量", "计算量", "速度", "精度", "准确度", "耗时", "显存"]
)
_EN_CONNECTIVE = re.compile(r"\b(?:for|with|of|and|or)\b|&|\+|/", re.I)
_EN_PREP = re.compile(
    r"\b(?:to|in|on|at|as|into|onto|from|through|via|without|towards?|over|beyond|under|"
    r"across|by|about|between|within|after|before|during|against|like|beyond)\b",
    re.I,
)
_ZH_VERB_FIRST = re.compile(
    r"^(?:基于|提升|提高|促进|改进|改善|减少|降低|增加|避免|使用|利用|实现|解决|处理|创建|安装|编译|训练|"
    r"下载|运行|设置|修改|选择|计算|获取|加载|保存|调整|理解|学习如何|了解|构建|搭建|部署|"
    r"转(?:换|为|成|到)?\s*(?=[A-Za-z]))"  # "转 VOC": convert to a format
)
_GENERIC_QUALIFIED = re.compile(
    r"^(?:基本|基础|常见|常用|经典|典型|主要|其他|其它|一般|简单|传统|主流|现有|相关|"
    r"(?:basic|typical|common|classic|classical|standard|main|other|simple|general|"
    r"traditional|existing|popular|modern|various|different|key|important|overall|total|"
    r"final|combined|full|whole|simple)\s+)"
    r"(?:\S{1,4}|\w+)$",
    re.I,
)
_VERBS = frozenset(
    ["act", "add", "allow", "apply", "avoid", "become", "build", "capture", "choose", "combine", "compute", "consist", "contain", "create", "define", "depend", "describe", "design", "develop", "enable", "encode", "enter", "explain", "find", "fix", "flatten", "generate", "get", "give", "go", "handle", "help", "implement", "improve", "include", "increase", "introduce", "involve", "keep", "lead", "learn", "let", "load", "look", "make", "map", "mean", "move", "need", "note", "optimize", "output", "perform", "predict", "prevent", "produce", "provide", "put", "reduce", "remove", "replace", "require", "return", "run", "see", "select", "set", "show", "solve", "start", "take", "train", "transform", "try", "turn", "understand", "update", "use", "want", "work", "write", "approximate", "benchmark", "coordinate", "translate", "manipulate", "hand-pick", "pick", "tune", "evaluate", "measure", "analyze", "analyse", "compare", "visualize", "visualise", "convert", "split", "sample", "test", "run", "finish", "read", "review", "watch", "check", "revisit", "calculate", "try", "do", "prepend", "append", "insert", "concatenate", "freeze", "crop", "resize", "shuffle"]
)  # fmt: skip


def _starts_with_verb(word: str) -> bool:
    """A verb in base, third-person, past or -ing form (``Apply``, ``Involves``, ``Flattened``,
    ``Approximating``) that is no technical head noun (``Learning``, ``Pooling``)."""
    w = word.casefold()
    if w in _EN_HEADS or w in ("learning", "boosting", "bagging", "hashing", "pooling"):
        return False
    forms = {w}
    if w.endswith(("ies", "ied")):
        forms.add(w[:-3] + "y")
    elif w.endswith("es"):
        forms |= {w[:-1], w[:-2]}
    elif w.endswith("s") and not w.endswith("ss"):
        forms.add(w[:-1])
    elif w.endswith("ed"):
        forms |= {w[:-1], w[:-2], w[:-3]}
    if w.endswith(("ing", "ly")) and len(w) > 5:
        return True  # "Approximating ...", "Empirically ...": a clause, not a name
    return bool(forms & _VERBS)


def _zh_tokens(text: str) -> list[str]:
    try:
        from wordfreq import tokenize

        _quiet_tokenizer()
        return tokenize(text, "zh")
    except Exception:  # no Chinese tokenizer: treat the text as several words
        return [text, text]


def _ends_with_term(text: str, glossary) -> bool:
    """Whether the last one to four words of ``text`` are a glossary name (its head)."""
    words = text.split()
    return any(glossary.lookup(" ".join(words[-k:])) is not None for k in range(1, min(4, len(words)) + 1))
_COURSE_CODE = re.compile(r"^[a-z]{2,6}[-_ ]?\d{3,4}\b")


def _tag_acronym(name: str) -> str:
    """Tags are often written in lower case: ``gan`` is the acronym ``GAN`` when the glossary
    knows it and no word ``gan`` (``nas`` is ``NAS``; ``attention`` stays a word)."""
    from kg.notes.glossary import default_glossary

    glossary = default_glossary()
    short = name.islower() and len(name) <= 6
    if short and glossary.lookup(name) is None and glossary.lookup(name.upper()) is not None:
        return name.upper()
    return name


def tag_name(tag: str) -> str:
    """A front-matter tag or category as a name: ``_`` and ``-`` between words become spaces
    unless the tag is one hyphenated term.

    >>> tag_name("video_retrieval"), tag_name("AI_"), tag_name("long-read"), tag_name("few-shot")
    ('video retrieval', 'AI', 'long-read', 'few-shot')
    """
    t = tag.replace("_", " ").strip()
    return " ".join(t.split())


def _first_token_is_venue(text: str) -> bool:
    tok = text.split()[0] if text.split() else ""
    return bool(tok) and normalize_venue(tok) is not None


# --------------------------------------------------------------------------- the walker


class _Extractor:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.mentions: list[Mention] = []
        self.warnings: list[str] = []
        self.rejected: list[str] = []
        self.title_section: Section | None = None
        self.paper_title = ""  # the paper a paper note is about: its heading is no topic

    def reject(self, kind: str, label: str, line: int, reason: str) -> None:
        self.rejected.append(f"{self.doc.path}:{line}: {kind} {label!r}: {reason}")

    # -- mentions
    def add(self, type_: str, label: str, line: int, parent: int | None, **kw) -> int:
        key = len(self.mentions)
        self.mentions.append(
            Mention(key=key, type=type_, label=label, line=line, parent=parent, **kw)
        )
        return key

    def note(self, parent: int | None, text: str) -> None:
        if parent is None:
            return
        text = " ".join(text.split())
        if text and _HAS_WORD.search(text):
            self.mentions[parent].notes.append(text)

    def attach(self, parent: int | None, paths: list[str]) -> None:
        if parent is not None and paths:
            self.mentions[parent].attachments.extend(paths)

    def add_paper(self, hit: PaperHit, parent: int | None, ctx: dict) -> int:
        venue: Venue | None = hit.venue or ctx.get("venue")
        year = hit.year if hit.year is not None else (venue.year if venue else None)
        if year is None:
            year = ctx.get("year")
        # papers hang under a method or topic, never under another paper
        while parent is not None and self.mentions[parent].type == "paper":
            parent = self.mentions[parent].parent
        return self.add(
            "paper",
            hit.title,
            hit.line,
            parent,
            venue=venue.name if venue else None,
            year=year,
            workshop=bool(venue and venue.workshop),
            url=hit.url,
            ids=dict(hit.ids),
            authors=list(hit.authors),
            section=SECTION_SEP.join(ctx.get("section", ())) or None,
        )

    # -- front matter
    def front_matter(self) -> None:
        doc = self.doc
        seen: set[str] = set()
        for field, keys in (
            ("categories", ("categories", "category")),
            ("tags", ("tags", "tag")),
            ("keywords", ("keywords", "keyword")),
        ):
            line = next((doc.front_matter_lines[k] for k in keys if k in doc.front_matter_lines), 1)
            for value in getattr(doc, field):
                label = " ".join(value.split())
                if not label or label.casefold() in seen:
                    continue
                seen.add(label.casefold())
                venue = normalize_venue(label)
                if venue is not None:
                    self.add("venue", venue.name, line, None, origin="front_matter",
                             year=venue.year, workshop=venue.workshop)  # fmt: skip
                    continue
                name = _tag_acronym(tag_name(label))
                if is_housekeeping_tag(name) or _COURSE_CODE.match(name.casefold()):
                    self.reject("tag", label, line, "housekeeping tag (kept on the post)")
                    continue
                ok, reason = judge_name(name, "tag")
                if ok:
                    self.add("topic", name, line, None, origin="front_matter")
                else:
                    self.reject("tag", label, line, f"{reason} (kept on the post)")

    # -- sections
    def section(self, sec: Section, parent: int | None, ctx: dict, skip_title: bool) -> None:
        ctx = dict(ctx)
        here = parent
        skip_blocks = False
        if sec.level > 0 and not skip_title:
            label = clean_name(clean_heading(sec.title))
            ym = _YEAR_HEADING.match(label)
            venue = None if ym else normalize_venue(label)
            if ym:
                ctx["year"] = int(ym.group(1))
            elif venue is not None:
                ctx["venue"] = venue
                if venue.year:
                    ctx["year"] = venue.year
            elif _generic(label) or not re.search(r"\w", label):
                skip_blocks = label.casefold() in ("contents", "content", "table of contents",
                                                   "toc", "目录", "index", "索引")  # fmt: skip
            elif len(self.paper_title.split()) >= 3 and _folded(label) == _folded(self.paper_title):
                self.reject("topic", label, sec.line, "the title of the note's paper")
            elif (hit := self.linked_paper(sec, label)) is not None:
                # "#### [3D 点云零样本学习](arxiv.org/abs/..)" in a reading log: the section is
                # about that paper, whatever language its title is given in
                self.reject("topic", label, sec.line, "a paper's title (the heading links the paper)")
                here = self.add_paper(hit, parent, ctx)
            else:
                nested = bool(ctx.get("section")) or sec.level >= 3
                # grouping evidence even when the heading names no research entity
                ctx["section"] = (*ctx.get("section", ()), label)
                ok, reason = judge_name(label, "topic")
                if not ok and reason == "common words" and self.lists_papers(sec):
                    ok = True  # "## Cross-Domain" over a list of papers groups them
                # "## ICLR", "## RLDM" side by side: headings naming venues, known or not
                if reason in _BRAND_EVIDENCE and sec.level in self.venue_levels():
                    ok, reason = False, "a venue (a heading among venue headings)"
                elif ok and nested and is_aspect(label) and not self.lists_papers(sec):
                    ok, reason = False, "an aspect a section discusses (results, challenges)"
                elif (ok and ctx.get("results") and reason not in ("alias file", "defines its acronym")
                        and not (names_a_task(label) and not re.search(r"(?:\bdata|数据)$", label, re.I))
                        and not self.lists_papers(sec)):  # fmt: skip
                    ok, reason = False, "a part of the results (a setting or experiment)"
                elif ok and self.model_part(label, reason):
                    ok, reason = False, _MODEL_PART
                if ok:
                    here = self.add("topic", label, sec.line, parent)
                else:
                    self.reject("topic", label, sec.line, reason)
                if reason == "organisation" or _COMMERCIAL.search(label):
                    ctx["commercial"] = True  # what a company section lists are its products
            if _RESULTS.match(label):
                ctx["results"] = True  # what a results section holds are its experiments
        self.attach(here, sec.attachments)
        if not skip_blocks:
            for block in sec.blocks:
                if isinstance(block, ItemList):
                    self.items(block.items, here, ctx)
                elif isinstance(block, Paragraph):
                    self.paragraph(block.lines, here, ctx)
                elif isinstance(block, Table):
                    self.table(block, here, ctx)
        for sub in sec.sections:
            self.section(sub, here, ctx, sub is self.title_section)

    def linked_paper(self, sec: Section, label: str) -> PaperHit | None:
        """The paper a heading names when the whole heading is a link to a paper's page."""
        spans = [sp for sp in sec.spans if sp.text.strip(" []()*_")]
        if len(spans) != 1 or not is_paper_url(spans[0].url) or is_generic_link(label):
            return None
        hit = recognize([Line.of(sec.line, spans)])
        if hit is not None:
            hit.title = clean_heading(hit.title)  # "1. Title": the numbering is the heading's
            return hit
        if not title_like(label, cjk=True) or is_caption(label) or sentence_like(label):
            return None
        return PaperHit(title=label, line=sec.line, url=spans[0].url)

    @functools.cache  # noqa: B019 -- one extractor per document
    def venue_levels(self) -> frozenset[int]:
        """Heading levels at which the note lists venues: most of its headings at that level
        (and at least three) are venues the reader knows (a note on conferences)."""
        seen: dict[int, list[int]] = {}

        def walk(sec: Section) -> None:
            for sub in sec.sections:
                n = seen.setdefault(sub.level, [0, 0])
                n[0] += normalize_venue(clean_name(clean_heading(sub.title))) is not None
                n[1] += 1
                walk(sub)

        walk(self.doc.root)
        return frozenset(lv for lv, (v, n) in seen.items() if v >= 3 and v * 2 >= n)

    def model_part(self, label: str, reason: str) -> bool:
        """In a note about one paper, ``Joint trajectory decoder`` or ``Image guided query
        initialization`` names a part of that paper's model, not a research entity of its
        own (a glossary term, an alias or a name's shape still is one)."""
        if not self.paper_title or reason in _KNOWN:
            return False
        words = re.findall(r"[a-z0-9]+", label.casefold())
        if (set(words) <= set(re.findall(r"[a-z0-9]+", self.paper_title.casefold())) if words
                else _folded(label) in _folded(self.paper_title)):  # fmt: skip
            return False  # "Video Instance Segmentation" in its paper's title: the paper's task
        if _CJK.search(label) and not _LATIN_WORD.search(label):
            return len(label) >= 4 and bool(_PARTS_ZH.search(label))
        words = label.casefold().split()
        return len(words) >= 2 and (words[-1] in _PARTS or _singular(words[-1]) in _PARTS)

    def lists_papers(self, sec: Section) -> bool:
        """The section lists papers (a list of its own holds one): it groups them by topic."""
        return any(
            self._strong(it) is not None
            for b in sec.blocks if isinstance(b, ItemList) for it in b.items[:5]
        )  # fmt: skip

    # -- paragraphs (and the lines of an item after its first entity)
    def paragraph(self, lines: list[Line], parent: int | None, ctx: dict) -> None:
        current = parent
        i = 0
        while i < len(lines):
            # a link whose text began on the line before ("[Train Large, Then Compress: ...\n
            # ... of Transformers](url)") is the tail of a sentence, not a title
            cont = i > 0 and _continues_link(lines[i - 1], lines[i])
            hit = None if cont else recognize(lines[i : i + 2])
            if hit is not None:
                current = self.add_paper(hit, parent, ctx)
                i += hit.consumed
                continue
            self.note(current, lines[i].text)
            i += 1

    # -- lists
    def _strong(self, item: Item) -> PaperHit | None:
        return recognize(item.lines[:2]) if item.lines else None

    def items(self, items: list[Item], parent: int | None, ctx: dict, hits=None) -> None:
        hits = hits if hits is not None else [self._strong(it) for it in items]
        has_papers = any(h is not None for h in hits)
        # a list whose items mostly name research entities is a list of them
        named = candidates = 0
        for item, hit in zip(items, hits, strict=True):
            if hit is None and item.lines and (label := self.label(item.lines[0])):
                candidates += 1
                ok, why = judge_name(label, "method")
                # a head noun alone ("邻域搜索") vouches for no one else: generic steps have it too
                named += ok and why != "technical head noun"
        coherent = named >= 2 and named * 2 >= candidates
        for item, hit in zip(items, hits, strict=True):
            self.item(item, hit, parent, ctx, has_papers, coherent)

    def item(self, item: Item, hit: PaperHit | None, parent: int | None, ctx: dict,
             sibling_papers: bool, coherent: bool = False) -> None:  # fmt: skip
        lines = item.lines
        if not lines:  # an image-only or empty item: its pictures belong to the parent
            self.attach(parent, item.attachments)
            self.items(item.children, parent, ctx)
            return
        first = lines[0]
        if first.spans and first.spans[0].url and first.spans[0].url.startswith("#"):
            return  # a table-of-contents entry
        if len(lines) == 1 and all(s.url and is_generic_link(s.text) for s in first.spans
                                   if s.text.strip(" |()[]")):  # fmt: skip
            return  # a lone [paper](..) / [code](..) link names nothing
        if _link_in_prose(lines):
            hit = None  # "[**Data attribute-based\n pricing**](..) constructs ...": a term in prose
        elif (len(lines) >= 2 and _continues_link(lines[0], lines[1])
                and not is_generic_link(lines[1].spans[0].text)):  # fmt: skip
            # "[Attention Is All\n You Need](..)": one title a hard wrap cut in two
            a, b = lines[0].spans[-1], lines[1].spans[0]
            joined = a._replace(text=f"{a.text.rstrip()} {b.text.lstrip()}")
            lines = [Line.of(lines[0].line, [*lines[0].spans[:-1], joined, *lines[1].spans[1:]]),
                     *lines[2:]]  # fmt: skip
            hit = recognize(lines[:2])
        child_hits: list[PaperHit | None] = []
        groups = False
        if hit is None and not _link_in_prose(lines):
            child_hits = [self._strong(c) for c in item.children]
            groups = any(h is not None for h in child_hits) or any(
                c.lines and is_method_name(self.label(c.lines[0])) for c in item.children
            )
            if not groups and (sibling_papers or ctx.get("venue")):
                # "Title. [Website](..)": the resource links are no part of the title, nor is
                # a description in parentheses ("Dalle 2 (image gen from text)")
                text = clean_title(first.text)
                named = clean_title(_DESCRIBED.sub("", "".join(
                    s.text for s in first.spans if not (s.url and is_generic_link(s.text)))))
                # "**Term** explained in a sentence" is a definition, not a bare title
                term = first.spans[0].bold and len(first.text) > len(first.spans[0].text) + 20
                if (title_like(text) and text[:1].isupper() and self.label(first) and not term
                        and not is_citation(text) and not is_caption(text)
                        and not sentence_like(text)):  # fmt: skip
                    hit = PaperHit(title=named or text, line=first.line)
        children = item.children
        # "Title [paper](..)" over a sub-item "A. Author, B. Author --CVPR 2022"
        if (
            hit is not None and hit.venue is None and children and children[0].lines
            and (av := author_venue_line(children[0].lines[0])) is not None
        ):  # fmt: skip
            hit.authors, hit.venue, hit.year = hit.authors or av[0], av[1], av[2] or hit.year
            children = children[1:]
        if hit is not None:
            key = self.add_paper(hit, parent, ctx)
            self.attach(key, item.attachments)
            rest = lines[hit.consumed :]
            for ln in rest:
                paper = self.mentions[key]
                if paper.venue is None and (av := author_venue_line(ln)) is not None:
                    paper.authors = paper.authors or av[0]  # "A. Author. In ICML, 2017."
                    paper.venue, paper.year = av[1].name, av[2] or paper.year
                    paper.workshop = av[1].workshop
                    continue
                if ln.spans and all(s.italic for s in ln.spans) and not self.mentions[key].authors:
                    self.mentions[key].authors = split_authors(ln.text)
                elif (sub := recognize([ln])) is not None:
                    self.add_paper(sub, parent, ctx)
                else:
                    self.note(key, ln.text)
            self.paper_children(children, key, parent, ctx)
            return
        label = self.label(first)
        method = bool(label) and (
            (groups and len(_LATIN_WORD.findall(label)) <= 10 and "。" not in label)
            or is_method_name(label)
        )
        if method and (_first_token_is_venue(label) or _generic(label)):
            method = False
        lead = first.spans[0]
        if method and lead.url and not is_generic_link(lead.text):
            method = False  # "[pytorch-meta](github...) (Recommended)": a resource, not a method
        if method and ctx.get("commercial") and judge_name(label, "method")[1] not in _KNOWN:
            # a brand name or a product's feature ("物体搜索" under a company's products)
            self.reject("method", label, first.line, "product (listed under an organisation)")
            method = False
        if method:
            ok, reason = judge_name(label, "method")
            has_papers = any(h is not None for h in child_hits)
            if ok and self.model_part(label, reason):
                ok, reason = False, _MODEL_PART
            elif (reason not in _NAME_EVIDENCE and not names_a_task(label)
                    and first.text.rstrip(" *_").endswith((":", "："))):  # fmt: skip
                # "- Optimal policy:" over its definition: a term being explained, named as a
                # research entity only by the glossary, the alias file or a name's shape
                if ok:
                    ok, reason = has_papers, "definition term (a lead-in to what follows)"
            elif not ok and reason in _SOFT_REASONS:
                ok = coherent or has_papers
            elif not ok and reason == _VERB_FIRST:
                ok = has_papers  # "Rethinking Network Pruning" heading a list of papers
            if not ok:
                self.reject("method", label, first.line, reason)
                method = False
        if method:
            kind = "topic" if names_a_task(label) else "method"
            key = self.add(kind, label, first.line, parent)
            self.attach(key, item.attachments)
            for ln in lines[1:]:
                self.note(key, ln.text)
            self.items(item.children, key, ctx, child_hits)
            return
        # a note about the parent; its sub-items are looked at in the parent's context
        for ln in lines:
            self.note(parent, ln.text)
        self.attach(parent, item.attachments)
        self.items(item.children, parent, ctx, child_hits)

    def paper_children(
        self, children: list[Item], paper: int, parent: int | None, ctx: dict
    ) -> None:
        """Sub-items of a paper: further papers stay papers, everything else is its notes."""
        for child in children:
            hit = self._strong(child)
            if hit is not None:
                self.item(child, hit, parent, ctx, True)
                continue
            for ln in child.lines:
                self.note(paper, ln.text)
            self.attach(paper, child.attachments)
            self.paper_children(child.children, paper, parent, ctx)

    @staticmethod
    def label(line: Line) -> str:
        """An item's label: its text without generic links; '' when it is mostly a link."""
        spans = [s for s in line.spans if not (s.url and is_generic_link(s.text))]
        # "Self-attention (49) [[Attention#Layer]]": a note link after the item's own words
        # points to where the term is explained; its text is no part of the name
        while len(spans) > 1 and (spans[-1].url or "").startswith(WIKI_SCHEME) and any(
            not s.url and _HAS_WORD.search(s.text) for s in spans[:-1]
        ):
            spans.pop()
        text = " ".join("".join(s.text for s in spans).split())
        linked = sum(len(s.text) for s in spans if s.url)
        if text and linked * 2 > len(text):
            return ""
        return clean_name(_ITEM_NUM.sub("", text, count=1)).strip(" :：-–—*")

    # -- tables
    _TITLE_COL = re.compile(r"title|paper|论文|标题|题目|文章", re.I)
    _VENUE_COL = re.compile(
        r"venue|conf|journal|publi|source|booktitle|会议|期刊|出处|发表|来源", re.I
    )
    _YEAR_COL = re.compile(r"^(?:year|年份|年|时间|date)$", re.I)
    _AUTHOR_COL = re.compile(r"author|作者", re.I)

    def table(self, table: Table, parent: int | None, ctx: dict) -> None:
        def col(rx: re.Pattern[str]) -> int | None:
            return next((i for i, h in enumerate(table.header) if rx.search(h)), None)

        t_col = col(self._TITLE_COL)
        if t_col is None:
            return
        v_col, y_col, a_col = col(self._VENUE_COL), col(self._YEAR_COL), col(self._AUTHOR_COL)
        if v_col == t_col:
            v_col = None
        for row in table.rows:
            cells = row.cells
            if t_col >= len(cells):
                continue
            spans = cells[t_col]
            title = clean_title(
                "".join(s.text for s in spans if not (s.url and is_generic_link(s.text)))
            )
            if not title or not re.search(r"\w", title):
                continue
            texts = row.texts()
            venue = (
                normalize_venue(texts[v_col], slot=True)
                if v_col is not None and v_col < len(texts)
                else None
            )
            year = venue.year if venue else None
            if y_col is not None and y_col < len(texts):
                m = re.search(r"(?:19|20)\d{2}", texts[y_col])
                year = int(m.group(0)) if m else year
            if year is None and v_col is not None and v_col < len(texts):
                m = re.search(r"(?<!\d)(?:19|20)\d{2}(?!\d)", texts[v_col])
                year = int(m.group(0)) if m else None
            url = next(
                (
                    s.url
                    for c in cells
                    for s in c
                    if s.url and (s in spans or is_generic_link(s.text))
                ),
                None,
            )
            from kg.notes.parse import find_ids

            hit = PaperHit(title=title, line=row.line, venue=venue, year=year, url=url,
                           ids=find_ids(url) if url else {},
                           authors=split_authors(texts[a_col]) if a_col is not None and a_col < len(texts) else [])  # fmt: skip
            self.add_paper(hit, parent, ctx)


def _folded(text: str) -> str:
    """``text`` without case, space and punctuation: ``To the Point-Efficient`` is ``To the
    Point: Efficient``."""
    return re.sub(r"[\W_]+", "", text.casefold())


def _continues_link(before: Line, line: Line) -> bool:
    """``line`` opens with the rest of a link that ``before`` ends with."""
    return bool(before.spans and line.spans and line.spans[0].url
                and line.spans[0].url == before.spans[-1].url)  # fmt: skip


def _link_in_prose(lines: list[Line]) -> bool:
    """The item opens with a link whose text a hard line wrap cut, and a sentence in lower
    case goes on after it: a term linked in prose, not a title.

    >>> from kg.notes.parse import parse_text
    >>> doc = parse_text("- [**Data attribute-based\\n  pricing**](https://x.org/a.pdf)\\n"
    ...                  "  constructs a price model\\n", "p.md")
    >>> _link_in_prose(doc.root.blocks[0].items[0].lines)
    True
    """
    if len(lines) < 2 or not _continues_link(lines[0], lines[1]):
        return False
    url = lines[1].spans[0].url
    rest = "".join(s.text for s in lines[1].spans if s.url != url).strip()
    if not rest and len(lines) > 2:
        rest = lines[2].text.strip()
    return rest[:1].islower()


def _title_of(doc: Document) -> tuple[str, bool]:
    """The post title and whether the first H1 is that title (and so not a topic)."""
    h1 = [s for s in doc.root.sections if s.level == 1]
    # a single H1 that opens the document and holds all its sections is the title
    only_h1 = (
        len(h1) == 1 and doc.root.sections[0] is h1[0] and bool(h1[0].sections)
        and not any(isinstance(b, ItemList) for b in doc.root.blocks)
    )  # fmt: skip
    if doc.title:
        return doc.title, bool(only_h1 and clean_heading(h1[0].title) == doc.title)
    if only_h1:
        return clean_heading(h1[0].title), True
    if h1:
        return clean_heading(h1[0].title), False
    return Path(doc.path).stem, False


def _cite(ex: _Extractor, doc: Document) -> None:
    """``Gupta et al. (2018)``: one more mention, at the citation, of the reference it names."""
    papers = [m for m in ex.mentions if m.type == "paper" and m.origin != "source"]
    if not papers:
        return
    rows = [(m.label, m.authors, m.year) for m in papers]
    for line, i in cited_papers(citations(doc), rows):
        ref = papers[i]
        if ref.line != line:
            ex.add("paper", ref.label, line, None, venue=ref.venue, year=ref.year,
                   workshop=ref.workshop, url=ref.url, ids=dict(ref.ids))  # fmt: skip


def _about(ex: _Extractor, about: PaperHit, doc: Document) -> None:
    """Mark the paper a paper note is about: the body's own mention of it when there is one
    (same arXiv id or link, or a paper named before the first heading), else a new mention."""
    first_heading = doc.root.sections[0].line if doc.root.sections else 1 << 30
    same = next(
        (m for m in ex.mentions if m.type == "paper" and m.origin == "body" and (
            (about.ids and any(m.ids.get(k) == v for k, v in about.ids.items()))
            or (about.url and m.url == about.url))),
        None,
    ) or next(
        (m for m in ex.mentions if m.type == "paper" and m.origin == "body"
         and m.line < min(first_heading, 20) and not is_field_line(m.label)),
        None,
    )  # fmt: skip
    # the other names the note gives its paper ("LoRA" for the title its alias gives)
    names = [Path(doc.path).stem, *note_aliases(doc)]
    if same is None:
        key = ex.add_paper(about, None, {})
        ex.mentions[key].origin = "about"
        ex.mentions[key].aliases = [n for n in names if n != about.title]
        return
    same.aliases = [n for n in names if n != same.label]
    same.origin = "about"
    same.url = same.url or about.url
    same.ids = {**about.ids, **same.ids}
    same.venue = same.venue or (about.venue.name if about.venue else None)
    same.year = same.year or about.year
    same.authors = same.authors or list(about.authors)


def extract(doc: Document) -> Extraction:
    """Turn a parsed document into a :class:`kg.notes.records.Extraction` (pure).

    Mentions come in document order (front matter first) with ``key`` equal to their index.
    """
    title, h1_is_title = _title_of(doc)
    post = Post(
        path=doc.path,
        title=title,
        date=doc.date,
        categories=list(doc.categories),
        tags=list(doc.tags),
        keywords=list(doc.keywords),
        aliases=note_aliases(doc),
    )
    ex = _Extractor(doc)
    # a note's own title: its front-matter title, a lone top heading that is not a section
    # name ("# Related Work"), else its file name
    named = doc.title or (h1_is_title and not _generic(title))
    note_name = title if named else Path(doc.path).stem
    about = paper_note(doc, note_name)
    if about is not None and about.ids and cites_its_source(doc, note_name):
        cited, about = about, None  # a concept note citing its source paper (below)
    else:
        cited = None
    if about is not None:
        ex.paper_title = about.title
    ex.front_matter()
    if h1_is_title:  # a lone top H1 that repeats the document title is not a topic
        ex.title_section = doc.root.sections[0]
    ex.section(doc.root, None, {}, True)
    if cited is not None:
        # a concept note citing the paper it comes from: a link to that paper (by its id,
        # resolved against the papers named elsewhere), not the paper's node
        ex.add("paper", cited.url or "", 1, None, origin="source", url=cited.url,
               ids=dict(cited.ids), year=cited.year)  # fmt: skip
    if about is not None and (
        about.style == "note" or sum(m.type == "paper" for m in ex.mentions) <= 5
    ):  # a note about one paper: an ``about`` edge (a weakly marked digest is not one)
        _about(ex, about, doc)
    _cite(ex, doc)
    return Extraction(post=post, mentions=ex.mentions, warnings=[*doc.warnings, *ex.warnings],
                      links=note_links(doc), rejected=ex.rejected,
                      truncated=doc.truncated)  # fmt: skip


#: The recursion limit while one file is parsed and extracted: lists and quotes nested up
#: to :data:`kg.notes.parse.MAX_NESTING` levels are read; deeper ones are skipped with a reason.
RECURSION_LIMIT = 8000


def extract_file(
    path: str | os.PathLike[str],
    display_path: str | None = None,
    *,
    max_bytes: int | None = MAX_FILE_BYTES,
) -> Extraction | Skipped:
    """Parse and extract one file; bad input gives :class:`kg.notes.records.Skipped`, never an error.

    ``max_bytes`` is the size limit of :func:`kg.notes.parse.parse_file`.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d, "bin.md"); _ = p.write_bytes(b"\\x00\\x01")
    ...     print(extract_file(p, "notes/bin.md"))
    notes/bin.md: line 1: binary file (NUL byte), not a text note
    """
    shown = display_path if display_path is not None else Path(path).as_posix()
    limit = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(max(limit, RECURSION_LIMIT))
        return extract(_parse_file(path, shown, max_bytes=max_bytes))
    except ParseError as err:
        return Skipped(shown, f"line {err.line}: {err.reason}")
    except RecursionError:
        return Skipped(
            shown, "line 0: lists or quotes nested too deeply to read (thousands of levels)"
        )
    except Exception as err:  # one bad post must never stop a whole run (nor a Rust panic)
        msg = " ".join(str(err).split()) or type(err).__name__
        return Skipped(shown, f"line 0: cannot extract ({type(err).__name__}: {msg})")
    finally:
        sys.setrecursionlimit(limit)
