"""The ``kg`` command line: a thin client of the Python API.

Each command parses its options, calls the Python API and prints the result: ``kg build``
calls :func:`kg.pipeline.build_to`, ``kg train`` :func:`kg.learn.training.train`, ``kg eval``
:func:`kg.learn.evaluation.evaluate`, ``kg suggest`` :class:`kg.suggest.suggester.Suggester`,
``kg symmetry`` :func:`kg.symmetry.analyze_symmetry`, ``kg export``
:func:`kg.graph.export.export_graph` and ``kg view`` :func:`kg.render.open_in_browser`.

Example
-------
>>> from click.testing import CliRunner
>>> CliRunner().invoke(cli, ["--version"]).output.startswith("kg, version")
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from kg import __version__
from kg.terminal import clean, json_text


def echo(message: object = "", *, err: bool = False) -> None:
    """Print one message; text from notes and file names cannot reach the terminal raw."""
    click.echo(clean(message), err=err)


def out_option(help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The ``--out DIR`` option every command shares (default ``kg-out``)."""
    return click.option(
        "--out",
        default="kg-out",
        show_default=True,
        type=click.Path(file_okay=False),
        help=help,
    )


#: The ``--device`` option of the commands that train (``auto`` picks CUDA when available).
device_option = click.option(
    "--device",
    default="auto",
    show_default=True,
    type=click.Choice(["auto", "cpu", "cuda"]),
    help="auto uses CUDA when available.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def cli() -> None:
    """Turn research notes into a knowledge graph, suggest related works, render HTML."""


def training_line(predictor: Any) -> str:
    """One line on how the model was trained (mode, epochs, seconds, fine-tuned or fresh)."""
    c, t = predictor.config, predictor.timings
    how = (
        f"mini-batches of {c['batch_size']}" if c.get("mode") == "minibatch" else "full batch"
    )
    start = "fine-tuned from the previous model" if c.get("warm_start") else "trained from scratch"
    kept = "; related-works ranker kept from it" if c.get("ranker_kept") else ""
    return (
        f"model: {start} on {c['device']}: best epoch {c['best_epoch']} of "
        f"{c['epochs_trained']}, {t['total']:.1f} s, {how}{kept}"
    )


# ---- commands (one block each)


# ---- suggest -------------------------------------------------------------------------------
@cli.command("suggest")
@click.argument("query")
@out_option("Folder written by `kg build` / `kg train`.")
@click.option("-k", default=10, show_default=True, type=click.IntRange(min=1), help="How many.")
@click.option(
    "--type",
    "types",
    multiple=True,
    type=click.Choice(["paper", "method", "topic", "venue"]),
    help="Only suggest nodes of this type (repeat for several; default: papers for a paper "
    "or venue, papers and methods for a topic, method or post).",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of text.")
def suggest_command(query: str, out: str, k: int, types: tuple[str, ...], as_json: bool) -> None:
    """Suggest nodes related to QUERY that the notes do not link to it yet.

    QUERY is a node id, a label, an alias or a near miss. Each suggestion comes with the
    ranker's probability that the two belong together and why (sections both are listed
    under, notes naming both with their lines, similar titles). On a graph too small to
    learn from it says so and ranks by that evidence alone. Candidates the model cannot
    tell apart are marked "=tie N". NumPy only (torch is not imported).

    Exit status 2 when QUERY is unknown or ambiguous (the closest matches are listed).

    Example:

    \b
        kg suggest "Pruning from Scratch" --out kg-out -k 5 --type paper
    """
    import warnings

    from kg.suggest.suggester import Suggester, format_suggestions

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            suggester = Suggester.load(out)
            nid = suggester.find_one(query)
            found = suggester.suggest(nid, k=k, types=types or None)
    except LookupError as exc:
        echo(f"Error: {exc.args[0] if exc.args else exc}", err=True)
        raise SystemExit(2) from None
    except (FileNotFoundError, ValueError) as exc:
        raise click.ClickException(clean(exc)) from None
    for w in caught:
        echo(f"warning: {w.message}", err=True)
    if as_json:
        if suggester.note:
            echo(f"note: {suggester.note}", err=True)
        echo(json_text([s.to_dict() for s in found], indent=2))
    else:
        label = f"{suggester.index.label(nid)} ({nid})"
        echo(format_suggestions(label, found, note=suggester.note))


# ---- build ---------------------------------------------------------------------------------
@cli.command("build")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@out_option("Output folder (graph.json, graph.graphml, graph.html).")
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
@click.option(
    "--aliases",
    type=click.Path(exists=True, dir_okay=False),
    help="YAML alias file: canonical name -> aliases in any language (merged into one node).",
)
@click.option(
    "--max-file-size",
    default=4.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Read at most this many MiB of each file (0: no limit); the rest is left out and said.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=0),
    help="Training pairs per update: 0 = full batch; default by graph size (mini-batches "
    "of 128-1024 from 20,000 nodes).",
)
@click.option(
    "--retrain",
    is_flag=True,
    help="Train a fresh model even when OUT holds one to fine-tune after a small edit.",
)
@click.option(
    "-v", "--verbose", is_flag=True,
    help="Also list the per-item warnings and the candidates not made topics or methods, with why.",
)
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
    aliases: str | None,
    max_file_size: float,
    batch_size: int | None,
    retrain: bool,
    verbose: bool,
) -> None:
    """Build the knowledge graph of the notes in PATHS (files or folders, recursively).

    Writes OUT/graph.json (node-link JSON), OUT/graph.graphml and OUT/graph.html, then
    prints the node counts by type and every skipped file with its reason. A bad file is
    skipped, never fatal; the old outputs stay unless the new ones are complete. Exit
    status 1 when no file could be parsed.

    Example:

    \b
        kg build seeds/ --out kg-out --no-train
    """
    from kg.graph.summary import print_summary
    from kg.pipeline import DEFAULT_EXT, build_to

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
            aliases=aliases,
            max_bytes=int(max_file_size * 1024 * 1024) or None,
            batch_size=batch_size,
            retrain=retrain,
        )
    except (OSError, ValueError) as exc:  # a bib that is missing, an output folder not writable
        raise click.ClickException(clean(exc)) from None
    print_summary(result.kg, warnings=verbose)
    if result.train_error:
        echo(f"warning: training skipped: {result.train_error}", err=True)
    if not result.files:
        report = result.kg.report
        if report.skipped:
            echo("Error: no file could be parsed; nothing written", err=True)
        else:
            exts = ", ".join(ext or DEFAULT_EXT)
            echo(
                f"Error: no {exts} files found in {', '.join(paths)}; nothing written", err=True
            )
        raise SystemExit(1)
    if result.predictor is not None:
        _echo_training(result.predictor, result.kg, result.ranking)
    written = [str(p) for p in result.files.values()]
    if result.predictor is not None and result.predictor.path is not None:
        from kg.io import EMBEDDINGS_NPZ, MODEL_JSON, MODEL_PT, SPLIT_NPZ, SUGGEST_CACHE

        model_dir = result.predictor.path
        names = (MODEL_JSON, MODEL_PT, EMBEDDINGS_NPZ, SPLIT_NPZ, SUGGEST_CACHE)
        written += [str(model_dir / n) for n in names if (model_dir / n).is_file()]
    echo("wrote " + ", ".join(written))
    if "html" in result.files:
        echo(f"page: {result.files['html']} (open it with `kg view --out {out}`)")
    if open_:
        from kg.render import BrowserUnavailable, open_in_browser

        try:
            open_in_browser(result.files["html"])
        except BrowserUnavailable as exc:
            echo(f"warning: {exc}", err=True)


def titles_line(predictor: Any) -> str | None:
    """One line on the title vectors of the ranker's ``semantic`` feature (``None`` for a
    model trained before them).

    >>> class P: config = {"titles": {"titles": 3573, "encoded": 12}}; timings = {"titles": 0.4}
    >>> titles_line(P())
    'titles: 3,573 read by the sentence encoder (12 new), 0.4 s'
    """
    info = predictor.config.get("titles")
    if not info:
        return None
    if info.get("skipped"):
        return f"titles: none read ({info['skipped']}); the ranker goes without what titles mean"
    n, new = int(info.get("titles", 0)), int(info.get("encoded", 0))
    fresh = "" if new == n else f" ({new:,} new)"
    return f"titles: {n:,} read by the sentence encoder{fresh}, {predictor.timings.get('titles', 0.0):.1f} s"


def _echo_training(predictor: Any, graph: Any, ranking: dict[str, float] | None = None) -> None:
    """Print what training did: device, epochs, time, validation and test AUC/AP, test MRR
    (``ranking``: the model's row of ``kg eval``, when the caller has it)."""
    from kg.pipeline import ranking_row

    c, m = predictor.config, predictor.metrics
    echo(training_line(predictor))
    echo(
        f"model: {c['encoder']}/{c['decoder']} hidden={c['hidden']} layers={c['layers']} "
        f"features={c['features']}"
    )
    line = (
        f"val AUC {m['val']['auc']:.4f} AP {m['val']['ap']:.4f} | "
        f"test AUC {m['test']['auc']:.4f} AP {m['test']['ap']:.4f}"
    )
    # ranking held-out links against every candidate, NumPy only: the seeded sample of
    # `kg eval` (its default figure; every query would take minutes on 50,000 nodes)
    gnn = ranking if ranking is not None else ranking_row(graph, predictor)
    if gnn is not None:
        line += f" MRR {gnn['mrr']:.4f} Hits@10 {gnn['hits@10']:.4f}"
    echo(line)
    titles = titles_line(predictor)
    if titles:
        echo(titles)


# ---- symmetry ------------------------------------------------------------------------------
@cli.command("symmetry")
@out_option("Folder written by `kg build` (reads graph.json; writes symmetry.json/.html).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--depth", is_flag=True, help="Also train 1..16 layers: validation MRR, smoothness.")
@click.option("--seed", default=0, show_default=True, help="Seed of the split and the models.")
@click.option("--epochs", default=200, show_default=True, type=click.IntRange(min=1), help="Max epochs of the node-level GNNs.")
@click.option("--lt-epochs", default=20, show_default=True, type=click.IntRange(min=1), help="Epochs of the labeling-trick model.")
@click.option(
    "--mirror", is_flag=True,
    help="Analyse two copies of the graph with the same links held out in both; the table is on "
    "held-out links and their mirror negatives (writes symmetry-mirror.json, no HTML).",
)
@device_option
@click.option("--no-html", is_flag=True, help="Do not write symmetry.html.")
def symmetry_command(
    out: str, as_json: bool, depth: bool, seed: int, epochs: int, lt_epochs: int, mirror: bool,
    device: str, no_html: bool,
) -> None:
    """Show which nodes a GNN cannot tell apart, what it costs, and the labeling trick fixing it.

    Reports the automorphism orbits and 1-WL classes of the graph in OUT, checks that a
    structure-only GNN gives every orbit one embedding (and tied scores), and prints accuracy
    and AUC on held-out links and their typed negatives for the plain GNN, the expressivity
    ceilings (of the GNN as trained: as many 1-WL rounds as layers; and stable 1-WL), the
    labeling trick, random and text features. Writes OUT/symmetry.json and OUT/symmetry.html
    (colour by class).

    On notes the symmetric nodes are mostly false twins, which no model can tell apart as
    pairs either; --mirror builds the case the labeling trick is for: two copies of the notes,
    where each held-out link (u, v) has a mirror negative (u, v') that every node-level model
    must tie with it.

    Example:

    \b
        kg symmetry --out kg-out --json
        kg symmetry --out kg-out --mirror
    """
    from kg.graph.knowledge_graph import KnowledgeGraph
    from kg.symmetry import analyze_symmetry
    from kg.symmetry.output import format_report, write_report

    try:
        kg = KnowledgeGraph.load(out)
        report = analyze_symmetry(
            kg, seed=seed, epochs=epochs, labeling={"epochs": lt_epochs}, depth=depth,
            mirror=mirror, device=device, progress=not as_json,
        )
    except (FileNotFoundError, ValueError) as exc:
        raise click.ClickException(clean(exc)) from None
    files = write_report(report, out, None if no_html or mirror else kg)
    if as_json:
        import json

        echo(json_text(json.loads(report.to_json()), indent=1))  # strict JSON: NaN -> null
    else:
        echo(format_report(report))
        echo("wrote " + ", ".join(str(p) for p in files.values()))


# ---- export --------------------------------------------------------------------------------
@cli.command("export")
@click.argument("dest", required=False, type=click.Path(path_type=str))
@out_option("Folder written by `kg build` (reads graph.json).")
@click.option(
    "--format",
    "format_",
    required=True,
    type=click.Choice(["graphml", "gexf", "csv", "json"]),
    help="graphml or gexf (Gephi, Cytoscape), csv (nodes.csv + edges.csv), json (node-link).",
)
def export_command(dest: str | None, out: str, format_: str) -> None:
    """Write the graph in OUT for other tools: GraphML, GEXF, CSV or node-link JSON.

    DEST is the file to write (the folder for csv); by default OUT/graph.gexf, OUT/graph.graphml,
    OUT/graph.json, or nodes.csv and edges.csv in OUT.

    Example:

    \b
        kg export --format gexf                 # kg-out/graph.gexf, for Gephi
        kg export --format csv tables/          # tables/nodes.csv, tables/edges.csv
    """
    from kg.graph.export import default_destination, export_graph
    from kg.graph.knowledge_graph import KnowledgeGraph

    try:
        graph = KnowledgeGraph.load(out)
        target = dest if dest is not None else default_destination(out, format_)
        files = export_graph(graph, target, format_)
    except (OSError, ValueError) as exc:
        raise click.ClickException(clean(exc)) from None
    echo("wrote " + ", ".join(str(p) for p in files))


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

    When no browser can be started (a machine without a display), says so, prints the
    page's path and exits with status 1.

    Example:

    \b
        kg view --out kg-out
    """
    from kg.render import BrowserUnavailable, open_in_browser

    opener = (ctx.obj or {}).get("opener")  # embedding code may pass its own URL opener
    try:
        url = open_in_browser(out, opener=opener)
    except FileNotFoundError as exc:
        raise click.ClickException(clean(exc)) from None
    except BrowserUnavailable as exc:
        echo(f"Error: {exc}", err=True)
        raise SystemExit(1) from None
    echo(f"opened {url}")


# ---- train ---------------------------------------------------------------------------------
def _show_progress(flag: bool | None) -> bool:
    import sys

    return sys.stderr.isatty() if flag is None else flag


@cli.command("train")
@out_option("Folder holding graph.json; the model files are written there.")
@click.option("--epochs", type=click.IntRange(min=1), help="Maximum epochs (default 300).")
@click.option("--hidden", type=click.IntRange(min=1), help="Embedding width (default 128).")
@click.option("--layers", type=click.IntRange(min=1), help="Encoder layers (default 2).")
@click.option(
    "--encoder",
    default="sage",
    show_default=True,
    type=click.Choice(["sage", "gcn", "gat"]),
    help="Message-passing layer: GraphSAGE, GCN or GAT.",
)
@click.option(
    "--decoder",
    default="mlp",
    show_default=True,
    type=click.Choice(["mlp", "dot"]),
    help="Pair scorer: MLP of z_u * z_v, or the dot product.",
)
@click.option(
    "--features",
    default="full",
    show_default=True,
    type=click.Choice(["full", "text", "type", "random"]),
    help="Node features (type = structure only).",
)
@click.option("--seed", default=0, show_default=True, help="Seed of Python, NumPy and torch.")
@device_option
@click.option(
    "--batch-size",
    type=click.IntRange(min=0),
    help="Training pairs per update: 0 = full batch; default by graph size.",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show the progress bar (default: only on a terminal).",
)
def train_command(
    out: str,
    epochs: int | None,
    hidden: int | None,
    layers: int | None,
    encoder: str,
    decoder: str,
    features: str,
    seed: int,
    device: str,
    batch_size: int | None,
    progress: bool | None,
) -> None:
    """Train the link predictor on OUT/graph.json and save it beside the graph.

    Writes OUT/model.pt (state dict), OUT/model.json (config, graph fingerprint, metrics,
    timings), OUT/embeddings.npz (node embeddings and decoder, for `kg suggest`),
    OUT/split.npz (the held-out split, for `kg eval`) and OUT/suggest-index.npz (what
    `kg suggest` reads instead of parsing the graph). Prints validation and test AUC/AP at
    the best validation epoch.

    Example:

    \b
        kg train --out kg-out --epochs 200 --encoder sage --seed 0
    """
    from kg.graph.knowledge_graph import KnowledgeGraph
    from kg.io import EMBEDDINGS_NPZ, MODEL_JSON, MODEL_PT, SPLIT_NPZ
    from kg.learn.training import train
    from kg.outdir import MODEL_NAMES, OUTPUT_NAMES, Commit, current, terminate_as_exit
    from kg.suggest.index import write_suggest_index
    from kg.suggest.suggester import Suggester

    try:
        KnowledgeGraph.load(current(out))  # a missing or bad graph: say so before locking
        keep = tuple(sorted(OUTPUT_NAMES - MODEL_NAMES))
        with terminate_as_exit(), Commit(out, keep=keep) as stage:
            graph = KnowledgeGraph.load(stage)  # the graph of this very set
            predictor = train(
                graph,
                epochs=epochs,
                hidden=hidden,
                layers=layers,
                encoder=encoder,
                decoder=decoder,
                features=features,
                seed=seed,
                device=device,
                progress=_show_progress(progress),
            )
            predictor.save(stage)
            # what the first `kg suggest` would build, from what is in memory (as `kg build`)
            indexed = write_suggest_index(
                stage, predictor, Suggester.from_predictor(predictor, graph=graph, check=False))
    except (OSError, ValueError) as exc:
        raise click.ClickException(clean(exc)) from None
    _echo_training(predictor, graph)
    names = [MODEL_PT, MODEL_JSON, EMBEDDINGS_NPZ, SPLIT_NPZ] + ([indexed.name] if indexed else [])
    echo(f"wrote {out}/" + ", ".join(names))


# ---- eval ----------------------------------------------------------------------------------
@cli.command("eval")
@out_option("Folder holding graph.json and a trained model.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.option(
    "--max-queries",
    type=click.IntRange(min=1),
    help="Rank at most this many test queries (a seeded sample; default 1000).",
)
@click.option(
    "--related",
    "related",
    multiple=True,
    type=click.Path(exists=True, path_type=str),
    help="Run the related-works protocol over these notes instead (repeat for several).",
)
@click.option(
    "--list",
    "lists",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=str),
    help="With --related: a paper list to hold out (repeat; default: every sub-folder of "
    "the notes that reads as a paper list).",
)
@click.option("--epochs", type=click.IntRange(min=1), help="With --related: training epochs.")
@click.option("--seed", default=0, show_default=True, help="With --related: training seed.")
@click.option("--all", "all_queries", is_flag=True, help="Rank every test query (no sample).")
def eval_command(
    out: str,
    as_json: bool,
    max_queries: int | None,
    related: tuple[str, ...],
    lists: tuple[str, ...],
    epochs: int | None,
    seed: int,
    all_queries: bool,
) -> None:
    """Compare the trained GNN with link heuristics on its held-out test edges.

    AUC and AP against fixed negatives; MRR and Hits@1/10 ranking each test edge against
    all nodes of the right type (known edges filtered), for the GNN, Common Neighbours,
    Adamic-Adar, Resource Allocation and label-text similarity on the same split.

    With --related NOTES: the related-works protocol instead. Each paper list among the
    notes is held out in turn; the graph of all the other notes is built and trained
    (kept in OUT/related-cache), and the list's papers it still holds are ranked for each
    other, papers under one section counting as related. MRR, P@5 and AUC per list and
    averaged, for the shipped ranker, the GNN, each heuristic, text and random.

    Example:

    \b
        kg eval --out kg-out --json
        kg eval --related ../notes --related ../more-notes --out kg-out
    """

    if related:
        import os

        from kg.related_eval import evaluate_related, format_related

        options = {"epochs": epochs} if epochs else {}
        try:
            res = evaluate_related(
                related, lists or None, seed=seed, cache_dir=os.path.join(out, "related-cache"), **options
            )
        except (FileNotFoundError, ValueError) as exc:
            raise click.ClickException(clean(exc)) from None
        echo(json_text(res, indent=2) if as_json else format_related(res))
        return

    from kg.graph.knowledge_graph import KnowledgeGraph
    from kg.learn.evaluation import evaluate, format_table
    from kg.learn.predictor import LinkPredictor
    from kg.outdir import current

    try:
        real = current(out)  # graph and model from one version, even while a build switches
        graph = KnowledgeGraph.load(real)
        predictor = LinkPredictor.load(real)
        if all_queries:
            max_queries = None
        elif max_queries is None:
            from kg.learn.evaluation import DEFAULT_QUERIES

            max_queries = DEFAULT_QUERIES
        result = evaluate(graph, predictor, max_queries=max_queries)
    except (FileNotFoundError, ValueError) as exc:
        raise click.ClickException(clean(exc)) from None
    if as_json:
        echo(json_text(result, indent=2))
    else:
        s = result["split"]
        echo(
            f"held-out edges: train {s['train']}, val {s['val']}, test {s['test']} "
            f"({', '.join(s['relations'])}); {s['queries']} ranking queries"
        )
        echo(format_table(result))
