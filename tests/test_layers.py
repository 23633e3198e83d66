"""The package's layers: each folder imports only from the folders below it, and no circles.

The order is the pipeline's (``docs/architecture.md``): notes are read, resolved into a
graph, scored with NumPy, learned with torch, drawn, analysed, and the pipeline and the
command line sit on top. Imports inside functions count as much as those at the top of a
file; imports under ``if TYPE_CHECKING:`` (annotations only) do not.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "kg"

# lowest first; a module belongs to the first layer whose prefix it has (after "kg.")
LAYERS: list[tuple[str, ...]] = [
    ("", "io", "terminal", "outdir", "parallel"),  # "" is the package itself (version, lazy API)
    ("notes",),
    ("graph",),
    ("suggest",),
    ("learn",),
    ("render",),
    ("symmetry",),
    ("pipeline",),
    ("related_eval",),
    ("cli", "__main__"),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer(module: str) -> int:
    rest = module.split(".", 1)[1] if "." in module else ""
    head = rest.split(".", 1)[0]
    for i, names in enumerate(LAYERS):
        if head in names:
            return i
    raise AssertionError(f"{module}: in no layer; add it to LAYERS and docs/architecture.md")


def kg_imports(path: Path) -> list[tuple[str, bool]]:
    """``(imported kg module, at import time?)`` for every import in the file."""
    out: list[tuple[str, bool]] = []

    def visit(node: ast.AST, top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            if isinstance(child, ast.Import):
                out.extend((a.name, top) for a in child.names if a.name.split(".")[0] == "kg")
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module and \
                    child.module.split(".")[0] == "kg":
                for a in child.names:  # ``from kg.suggest import suggester`` imports a module
                    sub = f"{child.module}.{a.name}"
                    known = (PKG.parent / (sub.replace(".", "/") + ".py")).exists()
                    out.append((sub if known else child.module, top))
            visit(child, top and not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)))

    visit(ast.parse(path.read_text(encoding="utf-8")), True)
    return out


MODULES = {module_name(p): p for p in sorted(PKG.rglob("*.py"))}
EDGES = {m: kg_imports(p) for m, p in MODULES.items()}


def test_every_module_imports() -> None:
    for name in MODULES:
        importlib.import_module(name)


def test_lower_layers_never_import_higher_ones() -> None:
    wrong = [
        f"{m} (layer {layer(m)}) imports {t} (layer {layer(t)})"
        for m, targets in EDGES.items()
        for t, _ in targets
        if layer(t) > layer(m)
    ]
    assert wrong == []


def test_layer_check_can_fail() -> None:
    assert layer("kg.learn.training") > layer("kg.graph.schema")
    with pytest.raises(AssertionError, match="in no layer"):
        layer("kg.somewhere_new")


def _cycles(only_top: bool) -> list[list[str]]:
    graph = {m: sorted({t for t, top in ts if t in MODULES and t != m and (top or not only_top)})
             for m, ts in EDGES.items()}
    seen: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def dfs(m: str) -> None:
        seen[m] = 1
        stack.append(m)
        for t in graph[m]:
            if seen.get(t) == 1:
                found.append(stack[stack.index(t):] + [t])
            elif t not in seen:
                dfs(t)
        stack.pop()
        seen[m] = 2

    for m in graph:
        if m not in seen:
            dfs(m)
    return found


def test_no_import_circles() -> None:
    assert _cycles(only_top=True) == []
    assert _cycles(only_top=False) == []


def test_suggest_needs_no_torch() -> None:
    """The NumPy layers (notes, graph, suggest) load without torch or torch-geometric."""
    code = (
        "import sys, importlib, pkgutil, kg\n"
        "for name in ('notes', 'graph', 'suggest'):\n"
        "    pkg = 'kg.' + name\n"
        "    p = importlib.import_module(pkg)\n"
        "    for m in pkgutil.iter_modules(p.__path__, pkg + '.'):\n"
        "        importlib.import_module(m.name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'torch_geometric'))\n"
        "print(bad[:3])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_no_public_function_shares_its_modules_name() -> None:
    """``kg.build`` is a function, never also a module: no module defines its own name.

    ``kg.cli.cli`` is the one exception: the console script ``kg = "kg.cli:cli"``, which no
    ``kg.<name>`` API attribute can be confused with.
    """
    clashes = []
    for name, path in MODULES.items():
        leaf = name.rsplit(".", 1)[-1]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defined = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
        if leaf in defined and name != "kg.cli":
            clashes.append(name)
    assert clashes == []


def test_api_names_stay_functions_after_their_modules_are_imported() -> None:
    code = (
        "import kg, kg.pipeline, kg.learn.training, kg.learn.evaluation, kg.render, kg.symmetry\n"
        "import inspect\n"
        "print(all(inspect.isfunction(getattr(kg, n)) for n in "
        "('build', 'train', 'evaluate', 'render_html', 'analyze_symmetry')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    assert out.stdout.strip() == "True"


def test_architecture_lists_every_module() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = [p.relative_to(ROOT).as_posix() for p in MODULES.values()
               if f"`{p.relative_to(ROOT).as_posix()}`" not in text]
    assert missing == []
