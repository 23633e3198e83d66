"""Where the link predictor runs: device choice and a deliberate CPU thread count.

``choose_device("auto")`` picks CUDA when torch sees a GPU and the CPU otherwise; ``"cpu"``
and ``"cuda"`` force one (``"cuda"`` without a GPU is a clear error). The CUDA path runs
exactly the same code as the CPU path; only tensors move.

On the CPU, :func:`configure_threads` sets torch's intra-op thread count. The graphs here are
small (a few thousand nodes, full-batch training), so thread start-up and synchronisation cost
more than they save, and on a shared machine extra threads wait for busy cores. Measured on
the 2-core development machine while other jobs kept it loaded (load average about 8, so the
figures are noisy): 30 epochs of the default model (2-layer GraphSAGE, hidden 128, MLP
decoder) on the 4,849-node graph of the shared corpus, two repetitions each::

    threads   seconds / 30 epochs   best ms / epoch
    1         59.1, 22.7              756
    2         229.7, 181.2           6039
    default   195.3, 122.4           4079   (torch's default here is 2)

:data:`DEFAULT_CPU_THREADS` is the count chosen from that measurement; set the environment
variable ``KG_THREADS`` to override it.

Example
-------
>>> choose_device("cpu").type
'cpu'
>>> resolve_device_name("auto", cuda_available=False)
'cpu'
>>> resolve_device_name("auto", cuda_available=True)
'cuda'
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import torch

__all__ = [
    "DEVICES",
    "DEFAULT_CPU_THREADS",
    "THREAD_TIMINGS",
    "resolve_device_name",
    "choose_device",
    "configure_threads",
]

#: Accepted values of ``device=`` / ``--device``.
DEVICES: tuple[str, ...] = ("auto", "cpu", "cuda")

#: Best seconds for 30 epochs (see the module docstring), by thread count.
THREAD_TIMINGS: dict[str, float] = {"1": 22.7, "2": 181.2, "default": 122.4}

#: Intra-op threads used on the CPU unless ``KG_THREADS`` says otherwise.
DEFAULT_CPU_THREADS = 1


def resolve_device_name(device: str, *, cuda_available: bool) -> str:
    """Turn ``auto|cpu|cuda`` into ``cpu`` or ``cuda`` given whether CUDA is available.

    Raises:
        ValueError: for an unknown name, or ``cuda`` when no GPU is available.

    >>> resolve_device_name("cpu", cuda_available=True)
    'cpu'
    >>> resolve_device_name("cuda", cuda_available=False)
    Traceback (most recent call last):
    ...
    ValueError: device 'cuda' requested but torch sees no CUDA GPU; use --device auto or cpu
    """
    if device not in DEVICES:
        raise ValueError(f"unknown device {device!r}; expected one of {', '.join(DEVICES)}")
    if device == "auto":
        return "cuda" if cuda_available else "cpu"
    if device == "cuda" and not cuda_available:
        raise ValueError(
            "device 'cuda' requested but torch sees no CUDA GPU; use --device auto or cpu"
        )
    return device


def configure_threads(threads: int | None = None) -> int:
    """Set torch's CPU intra-op thread count (``threads``, else ``KG_THREADS``, else default).

    Returns the count set.

    >>> configure_threads(1)
    1
    """
    import torch

    if threads is None:
        threads = int(os.environ.get("KG_THREADS", DEFAULT_CPU_THREADS))
    threads = max(1, int(threads))
    torch.set_num_threads(threads)
    set_blas_threads(threads)
    return threads


#: Entry points that set the thread count of the OpenBLAS NumPy was built with (NumPy's
#: wheels ship it with a ``scipy_`` prefix and a ``64_`` suffix).
_BLAS_SETTERS = ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads",
                 "openblas_set_num_threads64_", "openblas_set_num_threads")


def set_blas_threads(threads: int) -> bool:
    """Set the thread count of NumPy's OpenBLAS (the page's and ``kg suggest``'s matrix
    products) to ``threads``; ``False`` when NumPy uses another BLAS (left as it is).

    OpenBLAS starts one thread per core, which on a busy two-core machine costs several
    times the CPU of one thread for the same product (threads wait on each other), so kg
    sets it with torch's count (:func:`configure_threads`).

    >>> set_blas_threads(1) in (True, False)
    True
    """
    import ctypes

    import numpy as np  # noqa: F401 - loads the library

    try:
        with open("/proc/self/maps", encoding="utf-8") as f:
            libs = sorted({line.split(maxsplit=5)[-1].strip() for line in f if "openblas" in line.lower()})
    except OSError:
        return False
    for lib in libs:
        try:
            handle = ctypes.CDLL(lib)
        except OSError:
            continue
        for name in _BLAS_SETTERS:
            setter = getattr(handle, name, None)
            if setter is not None:
                setter(int(threads))
                return True
    return False


def choose_device(device: str = "auto", *, threads: int | None = None) -> torch.device:
    """The ``torch.device`` for ``auto|cpu|cuda``; on the CPU also sets the thread count.

    >>> choose_device("cpu", threads=1)
    device(type='cpu')
    """
    import torch

    name = resolve_device_name(device, cuda_available=torch.cuda.is_available())
    if name == "cpu":
        configure_threads(threads)
    return torch.device(name)
