"""Build a knowledge graph from note files: find, extract, resolve, assemble, write.

:func:`build` is the API behind ``kg build``: it walks the paths (recursively, in sorted
order), extracts every file with :func:`kg.notes.extraction.extract_file` (a bad file becomes a
:class:`~kg.notes.records.Skipped` with its one-line reason, never an exception), merges the
mentions with :func:`kg.graph.resolution.resolve` and assembles the typed graph of
:mod:`kg.graph.schema`. :func:`write_outputs` writes ``graph.json``, ``graph.graphml`` and
``graph.html`` all-or-nothing; :func:`build_to` does both, plus training when asked.

The steps, in the order a build runs them (one function each):

1. ``_read_inputs``: the alias file and the BibTeX catalogue;
2. :func:`discover`: the note files under the paths, in sorted order;
3. :func:`extract_all`: each file's extraction, from the cache or a worker pool
   (``_cache_*``, ``_run``/``_run_pool``, the pool's size from ``_workers``);
4. ``_sort_results``: extractions kept, skipped files and warnings to the report;
5. :func:`kg.graph.resolution.resolve`, then :func:`assemble`: the typed graph;
6. ``_train_step`` (``build_to(train=True)``): the model and the page's suggestions;
7. ``_write_step``: :func:`write_outputs`, the model and the suggest index, switched in at once.

Nothing here imports torch or ``pyvis.network``; training is imported only when
``train=True``.

Example
-------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.md").write_text("---\\ntitle: A\\n---\\n# Pruning\\n\\n"
...                            "- Pruning from Scratch (AAAI2020)\\n", encoding="utf-8")
>>> kg = build([d])
>>> kg.report.parsed == [f"{d.name}/a.md"]
True
>>> [e["year"] for e in kg.edges("published_at")]
[2020]
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.graph.export import graphml_text
from kg.graph.knowledge_graph import KnowledgeGraph
from kg.graph.resolution import Resolution, _capped, resolve
from kg.graph.schema import RELATIONS, node_id
from kg.io import GRAPH_GRAPHML, GRAPH_HTML, GRAPH_JSON, SYMMETRY_NAMES
from kg.notes.links import resolve_links
from kg.notes.parse import MAX_FILE_BYTES
from kg.notes.records import Extraction, Skipped
from kg.outdir import Commit, die_with_parent, fault, terminate_as_exit
from kg.parallel import ChildJob, in_child, stop_pool

__all__ = [
    "BuildReport",
    "build",
    "build_to",
    "BuildResult",
    "ranking_row",
    "discover",
    "extract_all",
    "assemble",
    "write_outputs",
    "prepare_outputs",
    "PreparedOutputs",
    "DEFAULT_EXT",
    "HTML_NAME",
    "PARALLEL_MIN_FILES",
]

DEFAULT_EXT: tuple[str, ...] = (".md", ".markdown")
#: Upper-case repository files (licence, provenance, contribution rules) found in a folder
#: of notes: about the repository, not notes. Named directly on the command line they are read.
HOUSEKEEPING = frozenset(
    ["LICENSE", "LICENCE", "COPYING", "NOTICE", "SOURCE", "SOURCES", "CONTRIBUTING",
     "CONTRIBUTORS", "AUTHORS", "MAINTAINERS", "CODE_OF_CONDUCT", "CHANGELOG", "CHANGES",
     "SECURITY", "SUPPORT", "PULL_REQUEST_TEMPLATE", "ISSUE_TEMPLATE"]
)  # fmt: skip
HTML_NAME = GRAPH_HTML
#: Below this many files extraction runs in this process: a process pool costs tens of
#: milliseconds to start, and small files extract in about a millisecond each.
PARALLEL_MIN_FILES = 100
#: At most this many extraction processes.
MAX_WORKERS = 8


@dataclass
class BuildReport:
    """What a build read and what it left out.

    Attributes:
        parsed: display paths of the files that were used, in build order.
        skipped: files that were not used, each with a one-line reason.
        warnings: one-line notes about single items (``path:line: ...``).
        seconds: wall time of each stage (``discover``, ``extract``, ``resolve``,
            ``assemble``).
        cached: how many files came from the extraction cache.
        truncated: files over the size limit, read in part, each with a one-line reason.
    """

    parsed: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    cached: int = 0
    #: candidates not made topics or methods, ``path:line: kind 'label': why``
    rejected: list[str] = field(default_factory=list)
    truncated: list[Skipped] = field(default_factory=list)


# -- 1. discover --------------------------------------------------------------------------
def _root_name(root: Path) -> str:
    """The name a folder is shown by: its own name, even for ``.`` or ``..``."""
    return os.path.basename(os.path.abspath(root))


def discover(
    paths: Iterable[str | os.PathLike[str]], ext: Sequence[str] = DEFAULT_EXT
) -> tuple[list[tuple[Path, str]], list[Skipped]]:
    """The note files under ``paths``, as ``(path, display path)``, sorted within each path.

    A folder is walked recursively (hidden folders such as ``.git`` are left out) for files
    whose extension is in ``ext`` (case-insensitive); a file named directly is always used.
    Upper-case repository files (``LICENSE.md``, ``SOURCE.md``, ``CONTRIBUTING.md``: see
    :data:`HOUSEKEEPING`) met in a folder are left out. A path that does not exist is
    reported as skipped. A file reached twice by the same
    absolute path is used once.

    Symbolic links inside a folder: a linked file is used when its target lies inside the
    folder given (it is read once, under its first name), and skipped with a reason when it
    points outside it or nowhere; a linked folder is never walked (it may loop, or lead out)
    and is listed as skipped. A file or folder named on the command line is always used.

    The display path (the post's ``path``, its node id and every ``sources`` entry) starts
    at the folder given: ``kg build ~/notes/seeds`` and ``kg build seeds/x.md`` both call
    the file ``seeds/x.md``, whatever the current folder. Should two files get the same
    display path, the second keeps the path as given.

    >>> files, skipped = discover(["no/such/dir"])
    >>> files, [str(s) for s in skipped]
    ([], ['no/such/dir: no such file or directory'])
    """
    exts = tuple(e.lower() if e.startswith(".") else f".{e.lower()}" for e in ext)
    found: list[tuple[Path, str]] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()
    names: set[str] = set()

    def add(p: Path, display: str) -> None:
        real = os.path.normpath(os.path.abspath(p))
        if real not in seen:
            seen.add(real)
            if display in names:
                display = p.as_posix()
            names.add(display)
            found.append((p, display))

    for raw in paths:
        root = Path(raw)
        if root.is_file():
            name = _root_name(root.parent)
            add(root, f"{name}/{root.name}" if name else root.name)
        elif root.is_dir():
            name = _root_name(root)
            batch: list[tuple[str, Path, str]] = []
            inside = os.path.realpath(root)
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = [d for d in dirnames if not d.startswith(".")]
                rel = os.path.relpath(dirpath, root).replace(os.sep, "/")
                prefix = name if rel == "." else f"{name}/{rel}"
                base = Path(dirpath)
                for d in dirnames:
                    if (base / d).is_symlink():
                        display = f"{prefix}/{d}" if prefix else d
                        skipped.append(Skipped(display, "symbolic link to a folder, not followed"))
                for f in filenames:
                    if f.split(".")[0] in HOUSEKEEPING:
                        continue  # LICENSE.md, SOURCE.md: the repository's, not a note
                    if f.lower().endswith(exts) and not f.startswith("."):
                        display = f"{prefix}/{f}" if prefix else f
                        reason = _link_problem(base / f, inside)
                        if reason:
                            skipped.append(Skipped(display, reason))
                        else:
                            batch.append((display, base / f, display))
            for _, p, display in sorted(batch):
                add(p, display)
        else:
            skipped.append(Skipped(root.as_posix(), "no such file or directory"))
    return found, skipped


def _link_problem(path: Path, inside: str) -> str | None:
    """Why the symbolic link ``path`` is not read (``None``: not a link, or a good one)."""
    if not path.is_symlink():
        return None
    target = os.path.realpath(path)
    if not os.path.exists(target):
        return "symbolic link to nothing (broken)"
    if os.path.commonpath([target, inside]) != inside:
        return "symbolic link to a file outside the folder given, not read"
    return None


# -- 2. extract ---------------------------------------------------------------------------
def _extract_one(
    item: tuple[Path, str], max_bytes: int | None = MAX_FILE_BYTES
) -> Extraction | Skipped:
    from kg.notes.extraction import extract_file

    path, display = item
    fault("parse")
    try:
        return extract_file(path, display_path=display, max_bytes=max_bytes)
    except Exception as exc:  # extract_file should not raise; one bad file never stops a build
        return Skipped(display, f"could not be read ({_one_line(exc)})")


def _code_version() -> str:
    """A hash of the package's Python sources: a cache entry is valid for this code only."""
    h = hashlib.sha256()
    pkg = Path(__file__).resolve().parent
    for p in sorted(pkg.rglob("*.py")):
        h.update(p.relative_to(pkg).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def _cache_key(path: Path, display: str, version: str) -> str | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None  # extract_file reports why
    h = hashlib.sha256(version.encode())
    h.update(display.encode("utf-8") + b"\0")
    h.update(data)
    return h.hexdigest()


def _cache_read(file: Path) -> Extraction | Skipped | None:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        if "skipped" in data:
            return Skipped(**data["skipped"])
        return Extraction.from_dict(data["extraction"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # a missing or damaged entry is simply recomputed


def _cache_write(file: Path, result: Extraction | Skipped) -> None:
    from kg.io import atomic_write_text

    if isinstance(result, Skipped):
        data: dict[str, Any] = {"skipped": {"path": result.path, "reason": result.reason}}
    else:
        data = {"extraction": result.to_dict()}
    atomic_write_text(file, json.dumps(data, ensure_ascii=False))


def _clean_cache_temporaries(cache: Path, age: float = 600.0) -> None:
    """Remove temporary files a killed build left in the cache folder (older than ``age`` s).

    An entry is written in milliseconds; one older than ten minutes belongs to no live build.
    """
    now = time.time()
    with contextlib.suppress(OSError):
        for entry in os.scandir(cache):
            if entry.name.startswith(".") and entry.name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    if now - entry.stat().st_mtime > age:
                        os.unlink(entry.path)


def _run(
    items: list[tuple[Path, str]],
    jobs: int | None,
    names: Sequence[Any] = (),
    max_bytes: int | None = MAX_FILE_BYTES,
) -> list[Extraction | Skipped]:
    from kg.notes.extraction import use_names

    use_names(names)
    try:
        return _run_pool(items, jobs, names, max_bytes)
    finally:
        use_names(())  # the next build, or a direct extract(), starts without them


def _run_pool(
    items: list[tuple[Path, str]],
    jobs: int | None,
    names: Sequence[Any],
    max_bytes: int | None,
) -> list[Extraction | Skipped]:
    workers = _workers(len(items), jobs)
    one = functools.partial(_extract_one, max_bytes=max_bytes)
    if workers <= 1:
        return [one(item) for item in items]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    ctx = multiprocessing.get_context(
        "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    )
    # small chunks keep both cores busy to the end: with 2 workers on the 258-post blog,
    # chunks of 32 files leave one core idle for ~0.07 s of a ~0.34 s extraction (simulated
    # from measured per-file times), chunks of 8 for ~0.005 s
    chunk = max(1, len(items) // (workers * 16))
    # every worker dies with this process (even by kill -9); any other exit stops them here
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=_init_worker, initargs=(os.getpid(), names)
    )
    try:
        results = pool.map(one, items, chunksize=chunk)
        fault("pool")
        done = list(results)
    except BaseException:
        stop_pool(pool)
        raise
    pool.shutdown()
    return done


def _init_worker(parent: int, names: Sequence[Any]) -> None:
    """Pool worker start-up: die with the parent process, and use the build's alias names."""
    from kg.notes.extraction import use_names

    die_with_parent(parent)
    use_names(names)


def _workers(
    n_files: int, jobs: int | None, *, cpus: int | None = None, load: float | None = None
) -> int:
    """How many extraction processes to use (1 = no pool).

    An explicit ``jobs`` wins. Otherwise a pool is used only when it can pay for its
    start-up (tens of milliseconds): at least :data:`PARALLEL_MIN_FILES` files, two or more
    cores, and spare capacity: the one-minute load average (which counts this process
    too, when builds run back to back) below ``cpus - 0.5``. On a busy machine the extra
    processes would only queue behind the others. Each worker gets at least 50 files.

    >>> _workers(258, None, cpus=2, load=0.2), _workers(258, None, cpus=2, load=1.2)
    (2, 2)
    >>> _workers(258, None, cpus=2, load=3.0), _workers(258, None, cpus=16, load=10.0)
    (1, 5)
    >>> _workers(20, None, cpus=16, load=0.0), _workers(20, 4, cpus=1, load=9.0)
    (1, 4)
    """
    if jobs is not None:
        return max(1, min(jobs, n_files))
    cpus = cpus if cpus is not None else len(_cores())
    if load is None:
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float(cpus)
    spare = cpus - load
    if n_files < PARALLEL_MIN_FILES or cpus < 2 or spare < 0.5:
        return 1
    by_size = n_files // (PARALLEL_MIN_FILES // 2)
    return max(1, min(max(2, int(spare + 0.5)), cpus, MAX_WORKERS, by_size))


def _cores() -> set[int] | range:
    try:
        return os.sched_getaffinity(0)
    except AttributeError:  # not on Linux
        return range(os.cpu_count() or 1)


def extract_all(
    files: Sequence[tuple[Path, str]],
    *,
    jobs: int | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    names: Sequence[Any] = (),
    max_bytes: int | None = MAX_FILE_BYTES,
) -> tuple[list[Extraction | Skipped], int]:
    """Extract every file, in order; returns the results and how many came from the cache.

    Args:
        files: ``(path, display path)`` pairs from :func:`discover`.
        jobs: worker processes; ``None`` starts a pool only for at least
            :data:`PARALLEL_MIN_FILES` files and when a core is idle (see ``_workers``);
            ``1`` never starts a pool. The result is the same either way.
        cache_dir: when given, each result is stored as ``<sha256>.json`` keyed by the file's
            bytes, its display path, the package's code, ``names`` and ``max_bytes``, and
            reused on the next build.
        names: the user's alias entries (:class:`kg.notes.glossary.Term`); their names are
            accepted as topics and methods whatever the content rules say.
        max_bytes: per-file size limit (``None``: none); a larger file is read up to its
            last whole line within the limit (see :func:`kg.notes.parse.parse_file`).
    """
    results: list[Extraction | Skipped | None] = [None] * len(files)
    hits = 0
    keys: list[str | None] = [None] * len(files)
    cache = Path(cache_dir) if cache_dir is not None else None
    if cache is not None:
        _clean_cache_temporaries(cache)
        version = f"{_code_version()}:{max_bytes}" + repr([(t.en, t.also) for t in names])
        for i, (path, display) in enumerate(files):
            keys[i] = _cache_key(path, display, version)
            if keys[i] is not None:
                results[i] = _cache_read(cache / f"{keys[i]}.json")
                hits += results[i] is not None
    todo = [i for i, r in enumerate(results) if r is None]
    todo_files = [files[i] for i in todo]
    for i, result in zip(todo, _run(todo_files, jobs, names, max_bytes), strict=True):
        results[i] = result
        if cache is not None and keys[i] is not None:
            _cache_write(cache / f"{keys[i]}.json", result)
    return [r for r in results if r is not None], hits


# -- 3. assemble --------------------------------------------------------------------------
def _post_attrs(ext: Extraction) -> dict[str, Any]:
    post = ext.post
    label = post.title.strip() if post.title and post.title.strip() else Path(post.path).stem
    return {
        "type": "post",
        "label": label,
        "aliases": list(post.aliases),
        "sources": [{"path": post.path, "line": 1}],
        "notes": [],
        "path": post.path,
        "date": post.date,
        "tags": _post_tags(post),
    }


def _post_tags(post: Any) -> list[str]:
    """The post's front-matter categories and tags, normalised (``video_retrieval`` ->
    ``video retrieval``), housekeeping ones included."""
    from kg.notes.extraction import tag_name

    return list(dict.fromkeys(tag_name(t) for t in (*post.categories, *post.tags) if t.strip()))


def _parent_relation(child_type: str, parent_type: str) -> str | None:
    if child_type == "topic" and parent_type == "topic":
        return "subtopic_of"
    sources, targets, _ = RELATIONS["part_of"]
    if child_type in sources and parent_type in targets:
        return "part_of"
    return None


def assemble(
    extractions: Sequence[Extraction], resolution: Resolution, *, report: BuildReport | None = None
) -> KnowledgeGraph:
    """The typed graph of :mod:`kg.graph.schema` from extractions and their resolution.

    * a ``post`` node per file (``post:<slug of the path without extension>``);
    * a node per resolved entity, plus a ``venue`` node for every venue a paper names;
    * ``mentions`` post -> entity (body; also post -> venue of each paper it names) and
      ``tagged`` post -> topic/venue (front matter; ``year`` on a venue event such as
      ``VALSE2020``), each with the ``line`` first seen; a paper's ``mentions`` edge also
      carries the ``section`` (heading path) it is listed under there;
    * ``subtopic_of`` / ``part_of`` from each mention to its nearest enclosing mention of a
      type the relation allows;
    * ``published_at`` paper -> venue with ``year`` (and ``workshop`` when true);
    * ``about`` post -> paper for a note about one paper (:func:`kg.notes.links.paper_note`) and
      ``links_to`` post -> post for each link between notes (:func:`kg.notes.links.resolve_links`;
      ``line``, ``kind`` and the ``anchor`` of the first such link).

    >>> from kg.notes.records import Mention, Post
    >>> ext = Extraction(Post("notes/a.md", "A"), [
    ...     Mention(0, "method", "Pruning", 3),
    ...     Mention(1, "paper", "Pruning from Scratch", 4, parent=0, venue="AAAI", year=2020)])
    >>> g = assemble([ext], resolve([ext]))
    >>> sorted((e["source"], e["relation"], e["target"]) for e in g.edges())[:3]
    [('paper:pruning-from-scratch', 'part_of', 'method:pruning'), \
('paper:pruning-from-scratch', 'published_at', 'venue:aaai'), \
('post:notes-a', 'mentions', 'method:pruning')]
    """
    nodes: dict[str, dict[str, Any]] = {}
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}

    def edge(u: str, v: str, rel: str, **attrs: Any) -> None:
        if u != v and (u, v, rel) not in edges:
            edges[(u, v, rel)] = {"relation": rel, **{k: x for k, x in attrs.items() if x}}

    post_ids: list[str] = []
    for ext in extractions:
        stem = ext.post.path.rsplit(".", 1)[0] if "." in Path(ext.post.path).name else ext.post.path
        pid = node_id("post", stem)
        n = 2
        while pid in nodes:
            pid, n = f"{node_id('post', stem)}-{n}", n + 1
        nodes[pid] = _post_attrs(ext)
        post_ids.append(pid)
    for eid, ent in resolution.entities.items():
        nodes[eid] = ent.attributes()
    venue_sources: dict[str, dict[tuple[str, int], None]] = {}
    for ent in resolution.entities.values():
        for venue, _, _ in ent.venues if ent.type == "paper" else ():
            vid = node_id("venue", venue)
            nodes.setdefault(
                vid,
                {"type": "venue", "label": venue, "aliases": [], "sources": [], "notes": []},
            )
            seen = venue_sources.setdefault(vid, {})
            seen.update(dict.fromkeys((src["path"], src["line"]) for src in ent.sources))
    for vid, seen in venue_sources.items():  # a venue node lists where its papers are named
        known = {(src["path"], src["line"]) for src in nodes[vid]["sources"]}
        every = dict.fromkeys(
            [(src["path"], src["line"]) for src in nodes[vid]["sources"]]
            + [key for key in seen if key not in known]
        )
        kept = _capped(every)  # a venue of 100,000 papers keeps a short list and a count
        nodes[vid]["sources"] = [{"path": p, "line": line} for p, line in kept]
        if len(kept) < len(every):
            nodes[vid]["source_count"] = len(every)

    for i, ext in enumerate(extractions):
        pid = post_ids[i]
        ids = resolution.assignment[i]
        for j, m in enumerate(ext.mentions):
            eid = ids[j]
            if eid is None:
                continue
            if m.origin == "front_matter" and m.type in RELATIONS["tagged"][1]:
                year = m.year if m.type == "venue" else None
                edge(pid, eid, "tagged", line=m.line, year=year)
            elif m.origin == "about" and m.type == "paper":
                edge(pid, eid, "about", line=m.line)
            else:  # the section a paper is listed under groups it even without a topic node
                edge(pid, eid, "mentions", line=m.line, section=m.section)
            if m.type == "paper" and m.venue:  # the post names the venue too
                edge(pid, node_id("venue", m.venue), "mentions", line=m.line)
            p = m.parent
            while p is not None and 0 <= p < len(ext.mentions):
                rel = _parent_relation(m.type, ext.mentions[p].type)
                if rel is not None and ids[p] is not None:  # a dropped parent passes it up
                    edge(eid, ids[p], rel)
                    break
                p = ext.mentions[p].parent
    for src, dst, link in resolve_links(
        [e.post.path for e in extractions],
        [e.post.aliases for e in extractions],
        [e.links for e in extractions],
    ):
        edge(post_ids[src], post_ids[dst], "links_to", line=link.line, anchor=link.anchor,
             kind=link.kind)  # fmt: skip
    for ent in resolution.entities.values():
        if ent.type != "paper":
            continue
        for venue, year, workshop in ent.venues:
            edge(ent.id, node_id("venue", venue), "published_at", year=year, workshop=workshop)
    records = [(u, v, k, attrs) for (u, v, k), attrs in edges.items()]
    return KnowledgeGraph.from_records(nodes, records, report=report)


# -- 4. build -----------------------------------------------------------------------------
def build(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    bib: str | os.PathLike[str] | None = None,
    ext: Sequence[str] = DEFAULT_EXT,
    jobs: int | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    aliases: str | os.PathLike[str] | None = None,
    max_bytes: int | None = MAX_FILE_BYTES,
) -> KnowledgeGraph:
    """Build the knowledge graph of the notes under ``paths``.

    Args:
        paths: files and folders (folders are walked recursively).
        bib: a BibTeX file whose entries give matching papers their canonical title, venue,
            year and authors.
        aliases: a YAML alias file (canonical name -> aliases in any language) laid over the
            field glossary; see :func:`kg.notes.glossary.load_aliases`.
        ext: file extensions to read in folders.
        jobs: extraction worker processes (see :func:`extract_all`).
        cache_dir: per-file extraction cache folder (see :func:`extract_all`).
        max_bytes: per-file size limit (see :func:`extract_all`; default 4 MiB).

    Returns:
        The :class:`~kg.graph.knowledge_graph.KnowledgeGraph`; ``.report`` is a :class:`BuildReport`.

    Raises:
        FileNotFoundError: ``bib`` does not exist.
        kg.notes.glossary.AliasError: ``aliases`` cannot be read (the message names file and line).
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    return _build(
        paths, bib=bib, ext=ext, jobs=jobs, cache_dir=cache_dir, aliases=aliases,
        max_bytes=max_bytes,
    )


def _build(
    paths: Iterable[str | os.PathLike[str]],
    *,
    bib: str | os.PathLike[str] | None,
    ext: Sequence[str],
    jobs: int | None,
    cache_dir: str | os.PathLike[str] | None,
    aliases: str | os.PathLike[str] | None = None,
    max_bytes: int | None = MAX_FILE_BYTES,
) -> KnowledgeGraph:
    report = BuildReport()
    t0 = time.perf_counter()
    alias_terms, catalogue = _read_inputs(aliases, bib, report)
    files, missing = discover(paths, ext)
    t1 = time.perf_counter()
    results, report.cached = extract_all(
        files, jobs=jobs, cache_dir=cache_dir, names=alias_terms, max_bytes=max_bytes
    )
    t2 = time.perf_counter()
    extractions = _sort_results(results, missing, report)
    resolution = resolve(extractions, catalogue=catalogue, aliases=alias_terms)
    report.warnings.extend(resolution.warnings)
    report.rejected.extend(resolution.rejected)
    t3 = time.perf_counter()
    kg = assemble(extractions, resolution, report=report)
    t4 = time.perf_counter()
    report.seconds = {
        "discover": t1 - t0,
        "extract": t2 - t1,
        "resolve": t3 - t2,
        "assemble": t4 - t3,
    }
    return kg


def _read_inputs(
    aliases: str | os.PathLike[str] | None,
    bib: str | os.PathLike[str] | None,
    report: BuildReport,
) -> tuple[list[Any], Any]:
    """Step 0: the alias file's terms and the BibTeX catalogue (``None`` without ``bib``)."""
    alias_terms = []
    if aliases is not None:
        from kg.notes.glossary import load_aliases

        alias_terms = load_aliases(aliases)
    catalogue = None
    if bib is not None:
        from kg.notes.bib import load_catalogue

        catalogue = load_catalogue(bib)
        report.warnings.extend(catalogue.warnings)
    return alias_terms, catalogue


def _sort_results(
    results: Sequence[Extraction | Skipped], missing: Sequence[Skipped], report: BuildReport
) -> list[Extraction]:
    """Step 2b: the extractions to resolve; skipped files, truncations and warnings to ``report``."""
    extractions: list[Extraction] = []
    report.skipped.extend(missing)
    for r in results:
        if isinstance(r, Skipped):
            report.skipped.append(r)
        else:
            extractions.append(r)
            report.parsed.append(r.post.path)
            if r.truncated:
                report.truncated.append(Skipped(r.post.path, r.truncated))
            report.warnings.extend(r.warnings)
            report.rejected.extend(r.rejected)
    return extractions


# -- 5. outputs ---------------------------------------------------------------------------------
@dataclass
class PreparedOutputs:
    """What :func:`write_outputs` needs from the graph alone, made ahead (see
    :func:`prepare_outputs`): the graph files under temporary names, the page's placement.

    Attributes:
        targets: output name (``json``, ``graphml``, ``html``) -> final path.
        temps: output name -> the temporary path it is written to first.
        placement: :func:`kg.render.page_placement` of the graph (``None`` without a page).
    """

    targets: dict[str, Path]
    temps: dict[str, Path]
    placement: dict[str, Any] | None = None

    def discard(self) -> None:
        """Remove the temporary files (when :func:`write_outputs` will not run)."""
        for p in self.temps.values():
            p.unlink(missing_ok=True)


def prepare_outputs(
    kg: KnowledgeGraph, out: str | os.PathLike[str], *, html: bool = True
) -> PreparedOutputs:
    """Step 5a: write ``graph.json`` and ``graph.graphml`` into ``out`` under temporary names
    and place the page's nodes (:func:`kg.render.page_placement`): all that depends on the
    graph alone. ``kg build`` makes it in a second thread while the model trains (reading
    ``kg`` only); :func:`write_outputs` finishes the job, or :meth:`PreparedOutputs.discard`
    cleans up. Raises what writing raises (``OSError`` on a full disk, say), after removing
    what it wrote.
    """
    fault("prepare")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = f".tmp-{os.getpid()}-{time.monotonic_ns()}"
    targets = {"json": out / GRAPH_JSON, "graphml": out / GRAPH_GRAPHML}
    if html:
        targets["html"] = out / HTML_NAME
    prepared = PreparedOutputs(targets, {k: p.with_name(f".{p.name}{stamp}") for k, p in targets.items()})
    try:
        _write_graph_files(kg, prepared.temps)
        if html:
            from kg.render import page_placement

            prepared.placement = page_placement(kg)
    except BaseException:
        prepared.discard()
        raise
    return prepared


def write_outputs(
    kg: KnowledgeGraph,
    out: str | os.PathLike[str],
    *,
    html: bool = True,
    suggestions: dict[str, list[dict[str, Any]]] | None = None,
    symmetry: dict[str, int] | None = None,
    title: str | None = None,
    prepared: PreparedOutputs | None = None,
) -> dict[str, Path]:
    """Write ``graph.json``, ``graph.graphml`` and (``html=True``) ``graph.html`` into ``out``.

    All-or-nothing: every file is first written to a temporary name in ``out``; only when
    all of them are complete are they renamed over the old ones. If anything fails, the
    old files stay as they were and the temporary ones are removed. ``prepared``: the
    :func:`prepare_outputs` of ``kg`` into ``out`` with the same ``html``, when the caller
    made it ahead.

    Returns:
        ``{"json": ..., "graphml": ..., "html": ...}`` paths of the files written.
    """
    try:
        if prepared is None:
            prepared = prepare_outputs(kg, out, html=html)
        elif set(prepared.targets) != ({"json", "graphml", "html"} if html else {"json", "graphml"}):
            raise ValueError("prepared outputs made for another set of files")
        fault("write")
        if html:
            from kg.render import write_html
            from kg.render.payload import read_report_data

            write_html(
                kg, prepared.temps["html"], suggestions=suggestions, title=title,
                symmetry=symmetry, placement=prepared.placement,
                symmetry_report=read_report_data(Path(out)),  # orbits, when `kg symmetry` has run
            )
        for k, p in prepared.targets.items():
            os.replace(prepared.temps[k], p)
    finally:
        if prepared is not None:
            prepared.discard()
    return prepared.targets


def _write_graph_files(kg: KnowledgeGraph, temps: dict[str, Path]) -> None:
    temps["json"].write_text(kg.to_json_text(), encoding="utf-8", newline="\n")
    temps["graphml"].write_text(graphml_text(kg), encoding="utf-8", newline="\n")


@dataclass
class BuildResult:
    """What :func:`build_to` made: the graph, the files written and the training outcome.

    Attributes:
        kg: the graph (``kg.report`` is the :class:`BuildReport`).
        files: output name -> path (empty when nothing could be parsed).
        predictor: the trained link predictor, or ``None``.
        train_error: one line saying why training did not happen or failed, or ``None``.
        ranking: the model's row of ``kg eval`` (its default sample of held-out links:
            ``mrr``, ``hits@10``, ...), computed while the files were written; ``None``
            without a model or a split to rank.
    """

    kg: KnowledgeGraph
    files: dict[str, Path] = field(default_factory=dict)
    predictor: Any = None
    train_error: str | None = None
    ranking: dict[str, float] | None = None


def build_to(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    out: str | os.PathLike[str] = "kg-out",
    *,
    train: bool = True,
    bib: str | os.PathLike[str] | None = None,
    ext: Sequence[str] = DEFAULT_EXT,
    jobs: int | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    seed: int = 0,
    progress: bool = False,
    aliases: str | os.PathLike[str] | None = None,
    max_bytes: int | None = MAX_FILE_BYTES,
    batch_size: int | None = None,
    retrain: bool = False,
) -> BuildResult:
    """Build, optionally train the link predictor, and write the outputs into ``out``.

    Every file (graph, page, model, embeddings, split, suggest index) is written into a
    fresh folder and ``out`` is switched to it in one step (see :mod:`kg.outdir`): a reader
    sees the complete old set or the complete new one. The folder is locked for the whole
    build (a second build into it waits), so a read-only or unusable ``out`` is found before
    any work. When no file could be parsed nothing is written (the old outputs stay). A
    training failure is reported in ``train_error`` and the graph is still written; a
    failure to write any file (a full disk, say) raises and leaves the old set.

    ``batch_size`` is passed to :func:`kg.learn.training.train` (``None``: by graph size). When
    ``out`` holds a model of an earlier build and the graph changed little, the model is
    fine-tuned from it (:mod:`kg.learn.incremental`); ``retrain`` always trains a fresh one.
    The index ``kg suggest`` reads is written with the model (:mod:`kg.suggest.index`).

    Raises:
        OSError: ``out`` cannot be locked or written (the message names the path).
    """
    paths = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    with terminate_as_exit():
        return _build_to(
            paths, out, train, bib, ext, jobs, cache_dir, seed, progress, aliases, max_bytes,
            batch_size, retrain,
        )


def _build_to(
    paths: list[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    train: bool,
    bib: str | os.PathLike[str] | None,
    ext: Sequence[str],
    jobs: int | None,
    cache_dir: str | os.PathLike[str] | None,
    seed: int,
    progress: bool,
    aliases: str | os.PathLike[str] | None,
    max_bytes: int | None,
    batch_size: int | None = None,
    retrain: bool = False,
) -> BuildResult:
    # the `kg symmetry` report stays with the folder, as it did before versioned outputs: the
    # page shows its orbits only while they still fit the graph (see orbit_payload)
    commit = Commit(out, keep=SYMMETRY_FILES)
    with commit as stage:
        kg = build(
            paths, bib=bib, ext=ext, jobs=jobs, cache_dir=cache_dir, aliases=aliases,
            max_bytes=max_bytes,
        )
        result = BuildResult(kg)
        if not kg.report.parsed:
            commit.discard = True
            return result
        suggestions = suggester = None
        children: list[ChildJob[Any]] = []  # stopped if the build fails

        def start_outputs() -> None:
            # the graph files and the page's layout need no model: made on the second core,
            # in a child process, while the model fits
            children.append(in_child(prepare_outputs, kg, stage))
            fault("fit")

        try:
            if train:
                result.predictor, suggester, suggestions, result.train_error = _train_step(
                    kg, out, seed=seed, progress=progress, batch_size=batch_size, retrain=retrain,
                    on_fit=start_outputs,
                )
            prepared = children[0].result() if children else None
            ranking = None
            if result.predictor is not None:  # kg eval's figure, beside the writing
                ranking = in_child(ranking_row, kg, result.predictor)
                children.append(ranking)
            result.files = _write_step(
                kg, out, stage, paths, result.predictor, suggester, suggestions, prepared
            )
            if ranking is not None:
                result.ranking = ranking.result()
        except BaseException:  # the stage is removed next: stop a child writing into it
            for job in children:
                job.stop()
            raise
    if result.predictor is not None:
        result.predictor.path = Path(out)
    return result


def _train_step(
    kg: KnowledgeGraph,
    out: str | os.PathLike[str],
    *,
    seed: int,
    progress: bool,
    batch_size: int | None,
    retrain: bool,
    on_fit: Any = None,
) -> tuple[Any, Any, dict[str, list[dict[str, Any]]] | None, str | None]:
    """Train (or fine-tune the model in ``out``) and rank the page's suggestions
    (``on_fit``: passed to :func:`kg.learn.training.train`).

    Returns ``(predictor, suggester, suggestions, None)``, or ``(None, None, None, error)``
    with the one-line reason when training failed (the graph is still worth writing).
    """
    fault("train")
    try:
        from kg.learn.incremental import previous_model
        from kg.learn.training import train as train_predictor
        from kg.suggest.index import page_suggestions, reusable_page
        from kg.suggest.suggester import Suggester

        init = None if retrain else previous_model(out, kg, seed=seed)
        predictor = train_predictor(
            kg, seed=seed, progress=progress, batch_size=batch_size, init=init, on_fit=on_fit
        )
        # trained on kg just now: no fingerprint to compare (seconds on a large graph)
        suggester = Suggester.from_predictor(predictor, graph=kg, check=False)
        # after a small edit, the page keeps the previous suggestions the edit
        # cannot have touched (kg.suggest.index.reusable_page)
        reuse = reusable_page(out, suggester, k=5) if init is not None else None
        suggestions = page_suggestions(predictor, kg, k=5, suggester=suggester, reuse=reuse)
    except Exception as exc:  # the graph is still worth writing
        return None, None, None, _one_line(exc)
    return predictor, suggester, suggestions, None


def _write_step(
    kg: KnowledgeGraph,
    out: str | os.PathLike[str],
    stage: Path,
    paths: Sequence[str | os.PathLike[str]],
    predictor: Any,
    suggester: Any,
    suggestions: dict[str, list[dict[str, Any]]] | None,
    prepared: PreparedOutputs | None = None,
) -> dict[str, Path]:
    """Write the graph files, the page and (with a model) the model and the suggest index
    into ``stage`` (``prepared``: :func:`prepare_outputs` into ``stage``, made ahead);
    returns output name -> its path under ``out``."""
    names = [Path(p).name or str(p) for p in paths]
    title = f"Knowledge graph: {', '.join(names)}" if names else None
    written = write_outputs(kg, stage, suggestions=suggestions, title=title, prepared=prepared)
    if predictor is not None:
        from kg.suggest.index import write_suggest_index

        fault("save")
        predictor.save(stage)
        page = {"k": 5, "suggestions": suggestions} if suggestions is not None else None
        write_suggest_index(stage, predictor, suggester, page)
    return {k: Path(out) / p.name for k, p in written.items()}


#: files ``kg symmetry`` adds to an output folder; a rebuild carries them into the new version
SYMMETRY_FILES = SYMMETRY_NAMES


def ranking_row(kg: KnowledgeGraph, predictor: Any) -> dict[str, float] | None:
    """The model's row of ``kg eval`` by default (a fixed sample of held-out links ranked
    against every candidate), for a model just trained on ``kg``; ``None`` when it has no
    split to rank."""
    from kg.learn.evaluation import DEFAULT_QUERIES, evaluate

    try:
        found = evaluate(kg, predictor, baselines=(), max_queries=DEFAULT_QUERIES, check=False)
    except ValueError:
        return None
    return found["results"]["gnn"]


def _one_line(exc: BaseException) -> str:
    return " ".join(f"{type(exc).__name__}: {exc}".split())
