"""The output folder: one lock, one atomic switch from a complete old set to a complete new one.

``kg build --out DIR`` writes every file of a build (graph, page, model, embeddings, split)
into a fresh folder and then switches ``DIR`` to it with a single ``rename``:

* ``DIR`` is a symbolic link to ``.DIR.kg/v-<stamp>`` (relative, so moving the parent keeps
  it working). A new set is written to ``.DIR.kg/tmp-<pid>-<stamp>``, renamed to a version
  folder, and a temporary link to it is renamed over ``DIR``: ``rename(2)`` replaces a link
  atomically, so a reader opening ``DIR/x`` sees the old set or the new one, never a mix.
  A real folder cannot be replaced that way (``rename`` refuses a non-empty target).
* ``.DIR.kg/lock`` is held with ``flock`` for the whole build. The kernel drops it when the
  process dies, however it dies; a second build into ``DIR`` waits for the first.
* Whatever a build leaves behind when it is killed (a ``tmp-*`` folder) is removed by the
  next build, which holds the lock and so knows no other writer is at work. The current
  version and the one before it are kept (a reader that resolved ``DIR`` just before a switch
  can finish), older ones are removed.

Old layouts stay readable: a ``DIR`` that is a real folder holding only kg's own files is
moved into ``.DIR.kg`` by the first build and becomes the previous version. A real folder
that also holds other files (``--out .``, say) is never moved: each file is then replaced on
its own, and :class:`Commit` says so in :attr:`Commit.in_place`.

Readers call :func:`resolve` once and read every file from the folder it returns.

Example
-------
>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> with Commit(root / "out") as stage:
...     _ = (stage / "graph.json").write_text("{}")
>>> (root / "out" / "graph.json").read_text(), (root / "out").is_symlink()
('{}', True)
>>> current(root / "out").parent.name
'.out.kg'
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from kg.io import MODEL_NAMES, OUTPUT_NAMES  # kept importable from here

__all__ = [
    "Commit",
    "OutputError",
    "OUTPUT_NAMES",
    "MODEL_NAMES",
    "current",
    "store_of",
    "fault",
    "die_with_parent",
    "terminate_as_exit",
]

#: Versions kept besides the current one (for readers that resolved ``DIR`` just before).
KEEP_PREVIOUS = 1


def store_of(out: str | os.PathLike[str]) -> Path:
    """The hidden sibling folder holding the versions and the lock of ``out``.

    >>> store_of("a/kg-out").as_posix()
    'a/.kg-out.kg'
    """
    out = Path(out)
    return out.with_name(f".{out.name}.kg")


def _managed_link(out: Path) -> bool:
    """Whether ``out`` is a link into its own version store."""
    if not out.is_symlink():
        return False
    target = Path(os.readlink(out))
    return not target.is_absolute() and target.parent.name == store_of(out).name


def _normalise(out: str | os.PathLike[str]) -> Path:
    """``out`` as an absolute path; a foreign link (not into a version store) is followed."""
    out = Path(os.path.abspath(out))
    if out.is_symlink() and not _managed_link(out):
        out = Path(os.path.realpath(out))
    if out.name in ("", ".", ".."):
        out = Path(os.path.realpath(out))
    return out


def current(out: str | os.PathLike[str]) -> Path:
    """The folder a reader should read every file of ``out`` from (its current version).

    Ask once, then read all files from the result: a build that switches ``out``
    meanwhile does not mix an old file with a new one.

    >>> current("no/such/folder").name
    'folder'
    """
    out = Path(out)
    return Path(os.path.realpath(out)) if out.is_symlink() else out


def fault(stage: str) -> None:
    """Test hook: act when ``KG_FAULT`` names ``stage`` (``stage:kill``, ``stage:term``,
    ``stage:enospc``, ``stage:stall``; several separated by commas); else do nothing.

    The fault-injection tests use it to stop a real build at a known point without timing.

    >>> fault("write")  # KG_FAULT unset: nothing happens
    """
    for spec in os.environ.get("KG_FAULT", "").split(","):
        where, _, action = spec.partition(":")
        if where == stage:
            _act(action)


def _act(action: str) -> None:
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif action == "term":
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the handler raises; this is never reached when it is installed
    elif action == "enospc":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    elif action == "stall":
        time.sleep(60)


def die_with_parent(parent: int | None = None) -> None:
    """Make the calling (forked) process die when its parent does, however the parent dies.

    On Linux the kernel sends ``SIGKILL`` (``prctl(PR_SET_PDEATHSIG)``); elsewhere a daemon
    thread polls the parent's pid. Called first thing in every extraction worker.

    Args:
        parent: the parent's pid, taken before the fork: a parent that died before this
            call is then noticed too (the process exits at once).
    """
    if parent is None:
        parent = os.getppid()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the build's handler: terminate ends it
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0:  # PR_SET_PDEATHSIG = 1
                if os.getppid() != parent:  # the parent died before prctl took effect
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass
    import threading

    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


class _Terminated(SystemExit):
    """SIGTERM, raised as an exception so that ``finally`` blocks clean up."""


@contextmanager
def terminate_as_exit() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`SystemExit` (status 143) in the main thread.

    Without this a terminated build would skip its clean-up; with it, temporary files are
    removed and worker processes stopped before the exit.
    """
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    owner = os.getpid()

    def handler(signum: int, frame: object) -> None:
        if os.getpid() != owner:  # a forked worker inherited this handler: just end
            os._exit(128 + signum)
        raise _Terminated(128 + signum)

    old = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def _lock(path: Path, out: Path) -> int:
    """Take the exclusive lock at ``path``, waiting (with one message) while another holds it."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX: no lock
        return fd
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        try:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
        except OSError:
            holder = "?"
        print(
            f"waiting for another kg build into {out} to finish (pid {holder})",
            file=sys.stderr,
            flush=True,
        )
        fcntl.flock(fd, fcntl.LOCK_EX)
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd


def _rmtree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)


def _legacy_ok(out: Path) -> bool:
    """Whether the real folder ``out`` holds only kg's files (and kg's temporary files)."""
    for entry in os.scandir(out):
        name = entry.name
        if name in OUTPUT_NAMES and entry.is_file(follow_symlinks=False):
            continue
        if name.startswith(".") and ".tmp" in name and entry.is_file(follow_symlinks=False):
            continue  # a temporary file left by an older kg killed while writing
        return False
    return True


class Commit:
    """Write a complete set of output files, then switch ``out`` to it in one step.

    Use as a context manager: the lock is taken on entry (waiting for another build),
    stale temporaries are removed, and the block gets an empty staging folder. When the
    block ends normally the staging folder becomes the current version; when it raises
    (or the process is killed) ``out`` stays as it was and the staging folder goes.

    Args:
        out: the output folder (made when missing).
        keep: file names of the current version to carry into the new one (hard links),
            for commands that replace only some files (``kg train`` keeps the graph).

    Attributes:
        stage: the staging folder (inside the block).
        in_place: ``out`` is a real folder holding other files too; the new files replace
            the old ones one by one (each file atomically) and nothing else is touched.
    """

    def __init__(self, out: str | os.PathLike[str], *, keep: tuple[str, ...] = ()) -> None:
        self.shown = Path(out)
        self.out = _normalise(out)
        self.store = store_of(self.out)
        self.keep = keep
        self.stage = self.store / "none"
        self.in_place = False
        #: set to True inside the block to leave ``out`` as it was (nothing to write)
        self.discard = False
        self._fd: int | None = None

    # -- entry: lock, clean, stage ---------------------------------------------------------
    def __enter__(self) -> Path:
        try:
            self.store.mkdir(parents=True, exist_ok=True)
            self._fd = _lock(self.store / "lock", self.shown)
            self._clean()
            self.in_place = (
                self.out.is_dir() and not self.out.is_symlink() and not _legacy_ok(self.out)
            )
            self.stage = self.store / f"tmp-{os.getpid()}-{time.time_ns()}"
            self.stage.mkdir()
            now = current(self.out)
            for name in self.keep:
                if (now / name).is_file():
                    os.link(now / name, self.stage / name)
        except OSError as exc:
            self._release()
            reason = exc.strerror or str(exc)
            raise OutputError(
                exc.errno, f"{os.fsdecode(self.shown)}: cannot be used as the output folder ({reason})"
            ) from None
        except BaseException:
            self._release()
            raise
        return self.stage

    def _clean(self) -> None:
        """Remove what killed builds left: ``tmp-*`` folders and links, old versions."""
        live = os.path.realpath(self.out) if _managed_link(self.out) else None
        versions = []
        for entry in os.scandir(self.store):
            p = Path(entry.path)
            if entry.name.startswith("tmp-") or entry.name.startswith(".link-"):
                _rmtree(p)
            elif entry.name.startswith("v-") and entry.path != live:
                versions.append(p)
        for p in sorted(versions)[:-KEEP_PREVIOUS] if KEEP_PREVIOUS else versions:
            _rmtree(p)
        if live is not None:  # temporary files an older kg left inside the folder
            for entry in os.scandir(live):
                if entry.name.startswith(".") and ".tmp" in entry.name:
                    Path(entry.path).unlink(missing_ok=True)

    # -- exit: switch or discard -----------------------------------------------------------
    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if kind is None and not self.discard:
                try:
                    self._switch()
                except OSError as err:
                    raise _named(err, err.filename or self.shown) from None
            elif isinstance(exc, OSError) and not isinstance(exc, OutputError):
                raise _named(exc, self._shown_path(exc.filename)) from None
        finally:
            _rmtree(self.stage)
            self._release()

    def _shown_path(self, filename: object) -> str:
        """A path in the staging folder as the user knows it (``out/name``)."""
        if not isinstance(filename, (str, os.PathLike)):
            return os.fsdecode(self.shown)
        try:
            rel = Path(os.path.abspath(filename)).relative_to(self.stage)
        except ValueError:
            return os.fsdecode(filename)
        return os.fsdecode(self.shown / rel)

    def _switch(self) -> None:
        fault("switch")
        if self.in_place:
            for entry in sorted(os.scandir(self.stage), key=lambda e: e.name):
                os.replace(entry.path, self.out / entry.name)
            return
        version = self.store / f"v-{time.time_ns():020d}-{os.getpid()}"
        os.rename(self.stage, version)
        self.stage = version.with_name(f"tmp-{version.name}")  # nothing left to remove
        if self.out.is_dir() and not self.out.is_symlink():  # an older layout: migrate it
            os.rename(self.out, self.store / f"v-{0:020d}-legacy")
        link = self.store / f".link-{os.getpid()}"
        try:
            os.symlink(f"{self.store.name}/{version.name}", link)
        except (OSError, NotImplementedError):  # no symbolic links here: file by file
            if self.out.is_symlink() or self.out.exists():
                self.out = current(self.out)
            self.out.mkdir(parents=True, exist_ok=True)
            for entry in sorted(os.scandir(version), key=lambda e: e.name):
                os.replace(entry.path, self.out / entry.name)
            _rmtree(version)
            return
        fault("switch-link")
        os.replace(link, self.out)
        self._clean()

    def _release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the flock
            self._fd = None


class OutputError(OSError):
    """An I/O error on the output folder; ``str()`` is one line naming the path.

    >>> str(_named(OSError(28, "No space left on device"), "kg-out"))
    'kg-out: No space left on device; the old outputs were kept'
    """

    def __str__(self) -> str:
        return str(self.args[1] if len(self.args) > 1 else self.args[0])


def _named(exc: OSError, path: str | os.PathLike[str]) -> OSError:
    """``exc`` with a one-line message that names ``path`` (unchanged when it already does)."""
    if isinstance(exc, OutputError):
        return exc
    reason = exc.strerror or str(exc)
    return OutputError(exc.errno, f"{os.fsdecode(path)}: {reason}; the old outputs were kept")
