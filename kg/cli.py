"""The ``kg`` command line: a thin client of the Python API.

Each command parses its options, calls the API function of the same name and prints the
result. Commands live in this one file, in pipeline order.

Example
-------
>>> from click.testing import CliRunner
>>> CliRunner().invoke(cli, ["--version"]).output.startswith("kg, version")
True
"""

from __future__ import annotations

import click

from kg import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def cli() -> None:
    """Turn research notes into a knowledge graph, suggest related works, render HTML."""


# ---- commands (one block each, in pipeline order: build, train, suggest, eval, symmetry, view)


# ---- suggest -------------------------------------------------------------------------------
@cli.command("suggest")
@click.argument("query")
@click.option(
    "--out",
    default="kg-out",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder written by `kg build` / `kg train`.",
)
@click.option("-k", default=10, show_default=True, type=click.IntRange(min=1), help="How many.")
@click.option(
    "--type",
    "types",
    multiple=True,
    type=click.Choice(["paper", "method", "topic", "venue"]),
    help="Only suggest nodes of this type (repeat for several).",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of text.")
def suggest_command(query: str, out: str, k: int, types: tuple[str, ...], as_json: bool) -> None:
    """Suggest nodes related to QUERY that the notes do not link to it yet.

    QUERY is a node id, a label, an alias or a near miss. Each suggestion comes with the
    model's score and why (shared neighbours, a short path, the posts and lines). Candidates
    the model cannot tell apart are marked "=tie N". Uses the trained model's saved
    embeddings with NumPy only (torch is not imported).

    Exit status 2 when QUERY is unknown or ambiguous (the closest matches are listed).

    Example:

        kg suggest "Pruning from Scratch" --out kg-out -k 5 --type paper
    """
    import json
    import warnings

    from kg.suggest import Suggester, format_suggestions

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            suggester = Suggester.load(out)
            nid = suggester.resolve(query)
            found = suggester.suggest(nid, k=k, types=types or None)
    except LookupError as exc:
        click.echo(f"Error: {exc.args[0] if exc.args else exc}", err=True)
        raise SystemExit(2) from None
    except (FileNotFoundError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    for w in caught:
        click.echo(f"warning: {w.message}", err=True)
    if as_json:
        click.echo(json.dumps([s.to_dict() for s in found], ensure_ascii=False, indent=2))
    else:
        click.echo(format_suggestions(f"{suggester.index.label(nid)} ({nid})", found))


# ---- build ---------------------------------------------------------------------------------
@cli.command("build")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "--out",
    default="kg-out",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Output folder (graph.json, graph.graphml, graph.html).",
)
@click.option("--no-train", is_flag=True, help="Build the graph only; skip the link predictor.")
@click.option(
    "--bib",
    type=click.Path(exists=True, dir_okay=False),
    help="BibTeX catalogue: canonical title, venue, year and authors of matching papers.",
)
@click.option(
    "--ext",
    multiple=True,
    help="File extension to read in folders (repeat; default .md and .markdown).",
)
@click.option("--open", "open_", is_flag=True, help="Open graph.html in a browser afterwards.")
@click.option("--jobs", type=click.IntRange(min=1), help="Extraction processes (default: auto).")
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(file_okay=False),
    help="Per-file extraction cache folder (reused by later builds).",
)
@click.option("--seed", default=0, show_default=True, help="Training seed.")
@click.option("-v", "--verbose", is_flag=True, help="Also list the per-item warnings.")
def build_command(
    paths: tuple[str, ...],
    out: str,
    no_train: bool,
    bib: str | None,
    ext: tuple[str, ...],
    open_: bool,
    jobs: int | None,
    cache_dir: str | None,
    seed: int,
    verbose: bool,
) -> None:
    """Build the knowledge graph of the notes in PATHS (files or folders, recursively).

    Writes OUT/graph.json (node-link JSON), OUT/graph.graphml and OUT/graph.html, then
    prints the node counts by type and every skipped file with its reason. A bad file is
    skipped, never fatal; the old outputs stay unless the new ones are complete. Exit
    status 1 when no file could be parsed.

    Example:

        kg build seeds/ --out kg-out --no-train
    """
    from kg.build import DEFAULT_EXT, build_to
    from kg.summary import print_summary

    try:
        result = build_to(
            paths,
            out,
            train=not no_train,
            bib=bib,
            ext=ext or DEFAULT_EXT,
            jobs=jobs,
            cache_dir=cache_dir,
            seed=seed,
            progress=not no_train,
        )
    except (OSError, ValueError) as exc:  # a bib that is missing, an output folder not writable
        raise click.ClickException(str(exc)) from None
    print_summary(result.kg, warnings=verbose)
    if result.train_error:
        click.echo(f"warning: training skipped: {result.train_error}", err=True)
    if not result.files:
        click.echo("Error: no file could be parsed; nothing written", err=True)
        raise SystemExit(1)
    click.echo("wrote " + ", ".join(str(p) for p in result.files.values()))
    if open_:
        from kg.render import open_in_browser

        open_in_browser(result.files["html"])


# ---- symmetry ------------------------------------------------------------------------------
@cli.command("symmetry")
@click.option(
    "--out",
    default="kg-out",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder written by `kg build` (reads graph.json; writes symmetry.json/.html).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--depth", is_flag=True, help="Also train 1..16 layers: validation MRR, smoothness.")
@click.option("--seed", default=0, show_default=True, help="Seed of the split and the models.")
@click.option("--epochs", default=200, show_default=True, type=click.IntRange(min=1), help="Max epochs of the node-level GNNs.")
@click.option("--lt-epochs", default=20, show_default=True, type=click.IntRange(min=1), help="Epochs of the labeling-trick model.")
@click.option("--device", default="auto", show_default=True, type=click.Choice(["auto", "cpu", "cuda"]))
@click.option("--no-html", is_flag=True, help="Do not write symmetry.html.")
def symmetry_command(
    out: str, as_json: bool, depth: bool, seed: int, epochs: int, lt_epochs: int, device: str, no_html: bool
) -> None:
    """Show which nodes a GNN cannot tell apart, what it costs, and the labeling trick fixing it.

    Reports the automorphism orbits and 1-WL classes of the graph in OUT, checks that a
    structure-only GNN gives every orbit one embedding (and tied scores), and prints accuracy
    and AUC on held-out links for the plain GNN, the expressivity ceiling, the labeling trick,
    random and text features. Writes OUT/symmetry.json and OUT/symmetry.html (colour by class).

    Example:

        kg symmetry --out kg-out --json
    """
    from kg.graph import KnowledgeGraph
    from kg.symmetry import analyze_symmetry
    from kg.symmetry.output import format_report, write_report

    try:
        kg = KnowledgeGraph.load(out)
        report = analyze_symmetry(
            kg, seed=seed, epochs=epochs, labeling={"epochs": lt_epochs}, depth=depth,
            device=device, progress=not as_json,
        )
    except (FileNotFoundError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    files = write_report(report, out, None if no_html else kg)
    if as_json:
        click.echo(report.to_json())
    else:
        click.echo(format_report(report))
        click.echo("wrote " + ", ".join(str(p) for p in files.values()))


# ---- view ----------------------------------------------------------------------------------
@cli.command("view")
@click.option(
    "--out",
    default="kg-out",
    show_default=True,
    type=click.Path(path_type=str),
    help="Output folder holding graph.html (or the HTML file itself).",
)
@click.pass_context
def view_command(ctx: click.Context, out: str) -> None:
    """Open the interactive page OUT/graph.html in the default web browser.

    Example:

        kg view --out kg-out
    """
    from kg.render import open_in_browser

    opener = (ctx.obj or {}).get("opener")  # embedding code may pass its own URL opener
    try:
        url = open_in_browser(out, opener=opener)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"opened {url}")
