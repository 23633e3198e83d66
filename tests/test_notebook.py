"""notebooks/tour.ipynb runs top to bottom (nbclient, a real kernel) and is committed executed."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOUR = ROOT / "notebooks" / "tour.ipynb"


def outputs(nb, kind: str) -> list:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if kind in o.get("data", {})]


def test_committed_tour_shows_every_output() -> None:
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(TOUR, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs for c in code), "a code cell of the committed tour has no output"
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    assert len(outputs(nb, "image/png")) >= 2  # the symmetry plot and the static graph
    assert any("iframe" in o["data"]["text/html"].lower() for o in outputs(nb, "text/html"))


@pytest.mark.slow
def test_tour_runs_top_to_bottom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("matplotlib")
    pytest.importorskip("ipykernel")
    # the tour reads ../seeds and ../../shared beside the checkout: the same layout, in tmp
    repo = tmp_path / "repo"
    (repo / "notebooks").mkdir(parents=True)
    (repo / "seeds").symlink_to(ROOT / "seeds")
    if (ROOT.parent / "shared").exists():
        (tmp_path / "shared").symlink_to(ROOT.parent / "shared")
    shutil.copy(TOUR, repo / "notebooks" / TOUR.name)
    nb = nbformat.read(repo / "notebooks" / TOUR.name, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    env_path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    monkeypatch.setenv("PYTHONPATH", env_path)  # the kernel imports this checkout's kg
    start = time.perf_counter()
    nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3",
        resources={"metadata": {"path": str(repo / "notebooks")}},
    ).execute()  # raises CellExecutionError, naming the cell, if any cell fails
    seconds = time.perf_counter() - start
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "trained on cpu" in text or "trained on cuda" in text
    assert "Suggestions for" in text and "Symmetry:" in text
    assert len(outputs(nb, "image/png")) >= 2
    assert (repo / "notebooks" / "tour-out" / "graph.html").stat().st_size > 0
    assert (repo / "notebooks" / "tour-out" / "pyvis.html").stat().st_size > 0
    assert seconds < 120, f"the tour took {seconds:.0f} s (it must run in under two minutes)"
