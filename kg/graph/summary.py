"""The build summary: node counts by type, edges, files parsed, files skipped with reasons.

:func:`summary_rows` is the plain data; :func:`print_summary` prints it as a rich table
followed by one line per skipped file (``path: reason``) and per warning when asked.

Example
-------
>>> from kg.graph.knowledge_graph import KnowledgeGraph
>>> from kg.pipeline import BuildReport
>>> from kg.notes.records import Skipped
>>> kg = KnowledgeGraph.from_records(
...     {"post:a": {"type": "post", "label": "A"}, "topic:x": {"type": "topic", "label": "X"}},
...     [("post:a", "topic:x", "mentions", {"relation": "mentions"})],
...     report=BuildReport(parsed=["a.md"], skipped=[Skipped("b.md", "b.md:1: empty file")]),
... )
>>> summary_rows(kg)[:3]
[('post', 1), ('topic', 1), ('method', 0)]
>>> import io
>>> buf = io.StringIO()
>>> print_summary(kg, file=buf, width=60)
>>> "files skipped" in buf.getvalue() and "b.md: b.md:1: empty file" in buf.getvalue()
True
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from kg.graph.schema import NODE_TYPES
from kg.terminal import clean

if TYPE_CHECKING:  # pragma: no cover
    from kg.graph.knowledge_graph import KnowledgeGraph

__all__ = ["summary_rows", "print_summary"]


def summary_rows(kg: KnowledgeGraph) -> list[tuple[str, int]]:
    """``(name, count)``: nodes of each type, edges, files parsed (and how many of them came
    from the extraction cache, when any did) and files skipped."""
    counts = kg.counts()
    rows = [(t, counts.get(t, 0)) for t in NODE_TYPES]
    rows.append(("edges", kg.number_of_edges()))
    report = kg.report
    if report is not None:
        rows.append(("files parsed", len(report.parsed)))
        if report.cached:
            rows.append(("  from the cache", report.cached))
        rows.append(("files skipped", len(report.skipped)))
    return rows


def print_summary(
    kg: KnowledgeGraph,
    *,
    file: IO[str] | None = None,
    width: int | None = None,
    warnings: bool = False,
    title: str = "kg build",
) -> None:
    """Print the summary table, then ``path: reason`` for every skipped or truncated file.

    File names and reasons are printed without control characters (:func:`kg.terminal.clean`).

    Args:
        kg: a built graph (its ``report`` lists the files).
        file: where to print (default standard output).
        width: console width (default: the terminal's).
        warnings: also print the one-line warnings about single items.
        title: the table title.
    """
    from rich.console import Console
    from rich.table import Table

    console = Console(file=file, width=width, highlight=False, soft_wrap=True)
    table = Table(title=title, title_justify="left")
    table.add_column("", style="bold")
    table.add_column("count", justify="right")
    for name, count in summary_rows(kg):
        table.add_row(name, str(count))
    console.print(table)
    report = kg.report
    if report is None:
        return
    for skipped in report.skipped:
        console.print(clean(f"skipped {skipped}"), markup=False)
    for part in getattr(report, "truncated", ()):
        console.print(clean(f"truncated {part}"), markup=False)
    if warnings:
        for line in report.warnings:
            console.print(clean(f"warning {line}"), markup=False)
        for line in getattr(report, "rejected", ()):
            console.print(clean(f"rejected {line}"), markup=False)
    elif report.warnings:
        console.print(f"{len(report.warnings)} warnings (--verbose lists them)", markup=False)
    rejected = getattr(report, "rejected", ())
    if rejected and not warnings:
        console.print(
            f"{len(rejected)} candidates not made topics or methods (--verbose lists them)",
            markup=False,
        )
