"""Fault injection: real builds killed, terminated, starved of disk, run side by side.

Each test runs ``python -m kg build`` as a subprocess and stops it at a named stage with the
``KG_FAULT`` hook of :func:`kg.outdir.fault` (deterministic: no sleeps racing the build).
Afterwards the output folder must be the complete old set (byte for byte) or a complete new
one, ``kg suggest`` must work, no process of the build may survive, and the next build must
remove what the killed one left.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.outdir import Commit, current, store_of

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="kills processes and reads /proc (Linux)"
)

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "valse2020-apr.md"
QUERY = "paper:pruning-from-scratch"
SET = ("graph.json", "graph.graphml", "graph.html", "model.json", "model.pt",
       "embeddings.npz", "split.npz")


def kg_run(*args: str, fault: str | None = None, tmp: Path | None = None,
           timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KG_THREADS": "1"}
    env.pop("KG_FAULT", None)
    if fault:
        env["KG_FAULT"] = fault
    if tmp is not None:
        env["TMPDIR"] = str(tmp)
    return subprocess.run([sys.executable, "-m", "kg", *args], env=env, capture_output=True,
                          text=True, timeout=timeout, start_new_session=True)


def hashes(out: Path) -> dict[str, str]:
    real = current(out)
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(real.iterdir())
            if p.name != "suggest-index.npz"}  # kg suggest's own index, written when read


def assert_complete(out: Path) -> None:
    """A full matching set: every file, the model trained on this very graph, suggest works."""
    from kg.graph.knowledge_graph import KnowledgeGraph
    from kg.learn.predictor import LinkPredictor

    real = current(out)
    assert sorted(p.name for p in real.iterdir() if p.name in SET) == sorted(SET)
    graph = KnowledgeGraph.load(real)
    assert LinkPredictor.load(real).config["graph_fingerprint"] == graph.fingerprint()
    res = CliRunner().invoke(cli, ["suggest", QUERY, "--out", str(out), "-k", "3"])
    assert res.exit_code == 0, res.output
    assert "Traceback" not in res.output


def leftovers(out: Path) -> list[str]:
    store = store_of(out)
    return sorted(p.name for p in store.iterdir() if p.name.startswith(("tmp-", ".link-")))


def session_alive(pgid: int) -> list[int]:
    """Pids still in process group ``pgid`` (the build ran in its own session)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            alive.append(int(entry.name))
    return alive


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real trained build of the seed notes; tests work on copies of its folder."""
    base = tmp_path_factory.mktemp("built")
    tmp = tmp_path_factory.mktemp("tmpdir")
    res = kg_run("build", str(SEED), "--out", str(base / "out"), tmp=tmp)
    assert res.returncode == 0, res.stderr
    # training leaves nothing in the temp folder (torch-geometric's generated modules)
    assert list(tmp.rglob("*.py")) == []
    return base


@pytest.fixture
def out(built: Path, tmp_path: Path) -> Path:
    shutil.copytree(built, tmp_path / "w", symlinks=True)
    return tmp_path / "w" / "out"


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    """Enough small notes for a two-worker extraction pool."""
    d = tmp_path / "notes"
    d.mkdir()
    shutil.copy(SEED, d / "seed.md")
    for i in range(6):
        (d / f"n{i}.md").write_text(f"# Topic {i}\n\n- Paper number {i} (ICML2020)\n")
    return d


@pytest.mark.parametrize("stage", ["parse", "train", "fit", "write", "switch", "switch-link"])
def test_killed_build_leaves_old_set_and_next_build_cleans(out: Path, stage: str) -> None:
    before = hashes(out)
    res = kg_run("build", str(SEED), "--out", str(out), fault=f"{stage}:kill")
    assert res.returncode == -signal.SIGKILL
    assert hashes(out) == before
    assert_complete(out)
    commit = Commit(out)  # what the next build does first: lock, then clean
    with commit:
        commit.discard = True
    assert leftovers(out) == []
    assert hashes(out) == before


def test_kill_leaves_temporaries_that_the_next_build_removes(out: Path) -> None:
    res = kg_run("build", str(SEED), "--out", str(out), "--no-train", fault="write:kill")
    assert res.returncode == -signal.SIGKILL
    assert leftovers(out)  # the killed build could not clean up...
    res = kg_run("build", str(SEED), "--out", str(out), "--no-train")
    assert res.returncode == 0, res.stderr
    assert leftovers(out) == []  # ...the next one did


def test_sigterm_during_extraction_cleans_up_and_stops_workers(out: Path, notes: Path) -> None:
    before = hashes(out)
    proc = kg_run("build", str(notes), "--out", str(out), "--jobs", "2", fault="pool:term")
    assert proc.returncode == 128 + signal.SIGTERM, proc.stderr
    assert "Traceback" not in proc.stderr
    assert hashes(out) == before and leftovers(out) == []


def survivors_of_killed_build(fault: str, *args: str) -> list[int]:
    """Run ``kg build ARGS`` in its own session with ``KG_FAULT=fault`` (which kills it),
    and return the pids of its session still alive 10 s later (killed, so none is left)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KG_FAULT": fault}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "build", *args],
        env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    assert proc.wait(60) == -signal.SIGKILL
    deadline = time.monotonic() + 10
    while session_alive(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    survivors = session_alive(proc.pid)
    for pid in survivors:  # never leave them behind, even when the test fails
        os.kill(pid, signal.SIGKILL)
    return survivors


def test_parent_killed_during_extraction_takes_its_workers(out: Path, notes: Path) -> None:
    assert survivors_of_killed_build("pool:kill", str(notes), "--out", str(out), "--jobs", "2") == []
    assert_complete(out)


def _need_two_cores() -> None:
    from kg.parallel import _workers

    if _workers(2) < 2:
        pytest.skip("one usable core: the outputs are made in order, no child process")


def test_killed_while_the_outputs_are_made_beside_the_fit_leaves_no_process(out: Path) -> None:
    """The graph files are written by a child process while the model fits; the build
    killed then (the child still at work) takes the child with it and keeps the old set."""
    _need_two_cores()
    before = hashes(out)
    assert survivors_of_killed_build("prepare:stall,fit:kill", str(SEED), "--out", str(out)) == []
    assert hashes(out) == before
    assert_complete(out)


def test_sigterm_while_the_outputs_are_made_stops_the_child(out: Path) -> None:
    _need_two_cores()
    before = hashes(out)
    t = time.monotonic()
    proc = kg_run("build", str(SEED), "--out", str(out), fault="prepare:stall,fit:term")
    assert proc.returncode == 128 + signal.SIGTERM, proc.stderr
    assert time.monotonic() - t < 50  # the stalled child was stopped, not waited for
    assert "Traceback" not in proc.stderr
    assert hashes(out) == before and leftovers(out) == []


def test_second_build_waits_for_the_lock(out: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.md").write_text("# Lottery tickets\n\n- The Lottery Ticket Hypothesis (ICLR2019)\n")
    holder = Commit(out)
    with holder:  # this process holds the lock, as a running build would
        holder.discard = True
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen(
            [sys.executable, "-m", "kg", "build", str(other), "--out", str(out), "--no-train"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True,
        )
        line = proc.stderr.readline()
        assert "waiting for another kg build" in line
        assert proc.poll() is None
    stdout, stderr = proc.communicate(60)
    assert proc.returncode == 0, stderr
    from kg.graph.knowledge_graph import KnowledgeGraph

    assert "paper:the-lottery-ticket-hypothesis" in KnowledgeGraph.load(out)


def test_two_builds_at_once_end_with_one_whole_set(out: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for d, title in ((a, "Zyxwvu Nets"), (b, "Qwrtpk Nets")):  # words no page script holds
        d.mkdir()
        (d / "n.md").write_text(f"# {title}\n\n- {title} for Graphs (ICML2020)\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-m", "kg", "build", str(d), "--out", str(out),
                               "--no-train"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL) for d in (a, b)]
    assert [p.wait(120) for p in procs] == [0, 0]
    real = current(out)
    texts = [(real / n).read_text() for n in ("graph.json", "graph.graphml", "graph.html")]
    winner = "Zyxwvu" if "Zyxwvu" in texts[0] else "Qwrtpk"
    loser = "Qwrtpk" if winner == "Zyxwvu" else "Zyxwvu"
    assert all(winner in t and loser not in t for t in texts)
    assert not (real / "model.json").exists()  # no stale model from an older set
    assert leftovers(out) == []


def test_full_disk_during_model_save_fails_and_keeps_old_set(out: Path) -> None:
    before = hashes(out)
    res = kg_run("build", str(SEED), "--out", str(out), fault="save:enospc")
    assert res.returncode == 1
    assert "No space left on device" in res.stderr and str(out) in res.stderr
    assert "Traceback" not in res.stderr
    assert hashes(out) == before and leftovers(out) == []
    assert_complete(out)


def _tmpfs(path: Path, size: str) -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    path.mkdir()
    ok = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                        capture_output=True).returncode == 0
    return ok


def test_really_full_disk(built: Path, tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    if not _tmpfs(disk, "4m"):
        pytest.skip("cannot mount a small tmpfs here (needs root); the injected ENOSPC test covers it")
    try:
        shutil.copytree(built / "out", disk / "w", symlinks=False)  # an old-layout folder
        out = disk / "w"
        stat = os.statvfs(disk)
        free = stat.f_bavail * stat.f_frsize
        (disk / "filler").write_bytes(b"\0" * max(0, free - 300_000))
        before = hashes(out)
        res = kg_run("build", str(SEED), "--out", str(out))
        assert res.returncode == 1, res.stdout + res.stderr
        assert "No space left on device" in res.stderr and str(out) in res.stderr
        assert "Traceback" not in res.stderr
        assert hashes(out) == before and leftovers(out) == []
        (disk / "filler").unlink()
        res = kg_run("build", str(SEED), "--out", str(out))
        assert res.returncode == 0, res.stderr
        assert_complete(out)
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def test_unusable_out_is_found_before_any_work(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    t0 = time.monotonic()
    res = kg_run("build", str(SEED), "--out", str(blocker / "out"), fault="train:kill")
    assert res.returncode == 1  # not -9: it stopped before training
    assert str(blocker) in res.stderr and "Traceback" not in res.stderr
    assert time.monotonic() - t0 < 30


@pytest.mark.parametrize("name", ["graph.json", "model.json", "embeddings.npz", "split.npz"])
@pytest.mark.parametrize("damage", ["truncate", "empty-list", "foreign"])
def test_damaged_model_files_give_one_line(out: Path, name: str, damage: str) -> None:
    path = current(out) / name
    data = path.read_bytes()
    path.unlink()  # the file is a hard link shared with the fixture: replace, don't edit
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "empty-list":
        path.write_bytes(b"[]")
    else:
        path.write_bytes(b"PK\x03\x04" + os.urandom(64))
    (current(out) / "suggest-index.npz").unlink(missing_ok=True)
    for args in (["suggest", QUERY], ["eval"]):
        res = CliRunner().invoke(cli, [*args, "--out", str(out)])
        if name == "split.npz" and args[0] == "suggest":
            assert res.exit_code == 0  # suggest does not read the split
            continue
        assert res.exit_code == 1, res.output
        lines = res.output.strip().splitlines()
        assert len(lines) == 1 and name in lines[0] and "kg " in lines[0], res.output


def test_damaged_weights_give_one_line(out: Path) -> None:
    from kg.learn.predictor import LinkPredictor

    path = current(out) / "model.pt"
    data = path.read_bytes()
    path.unlink()
    path.write_bytes(data[:1000])
    with pytest.raises(ValueError, match=r"model\.pt: damaged or not a kg model .*kg train"):
        LinkPredictor.load(current(out)).torch_state_dict()


def test_old_layout_is_migrated_and_foreign_folders_are_left_in_place(built: Path,
                                                                      tmp_path: Path) -> None:
    legacy = tmp_path / "legacy"
    shutil.copytree(built / "out", legacy)  # a real folder, as older kg wrote
    (legacy / ".graph.json.tmp-1-2").write_text("left by a killed build")
    res = kg_run("build", str(SEED), "--out", str(legacy), "--no-train")
    assert res.returncode == 0, res.stderr
    assert legacy.is_symlink() and (legacy / "graph.json").exists()
    assert not (legacy / "model.json").exists()  # the old model does not outlive its graph
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my own file")
    res = kg_run("build", str(SEED), "--out", str(mine), "--no-train")
    assert res.returncode == 0, res.stderr
    assert not mine.is_symlink() and (mine / "notes.txt").read_text() == "my own file"
    assert (mine / "graph.json").exists()
