"""Which BLAS does spaCy's matrix work, and with how many threads.

Measured with ``python -m wirewatch.enrich.bench`` on the 2-core reference machine (AMD EPYC, Zen 5):

- thinc's CPU ops multiply through the BLIS bundled with the ``blis`` package by default. That BLIS predates
  Zen 5, selects its ``generic`` sub-configuration (``BLIS_ARCH_DEBUG=1`` prints it) and cannot be told otherwise
  (no ``BLIS_ARCH_TYPE`` support compiled in); numpy's OpenBLAS does the same products 2-3x faster. With
  ``NumpyOps(use_blis=False)`` bare NER went from about 36 to 52 articles per CPU-second, same entities.
- One OpenBLAS thread: spaCy's small matrices gain nothing from more, and the spare threads spin (bare NER went
  from about 29 to 41 articles per CPU-second). ``OPENBLAS_NUM_THREADS=1`` does it when set before numpy loads
  (the Dockerfile sets it); :func:`limit_blas_threads` does it afterwards too, for processes that imported numpy
  earlier (the CLI).
"""

from __future__ import annotations

import ctypes
import logging
from pathlib import Path
from typing import Any

log = logging.getLogger("wirewatch.enrich")

_SETTERS = ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads", "openblas_set_num_threads")


def limit_blas_threads(threads: int = 1) -> bool:
    """Set the thread count of every OpenBLAS loaded in this process; False when none could be found."""
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return False
    libraries = {line.split()[-1] for line in maps.splitlines() if "openblas" in line.lower() and "/" in line}
    done = False
    for path in libraries:
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for name in _SETTERS:
            setter = getattr(library, name, None)
            if setter is not None:
                setter(ctypes.c_int(threads))
                done = True
                break
    if not done:
        log.debug("no OpenBLAS found to limit to %d thread(s)", threads)
    return done


def use_numpy_gemm(nlp: Any) -> int:
    """Make every layer of ``nlp``'s models multiply with numpy (OpenBLAS) instead of BLIS; returns the layer count.

    Only the matrix products of the layers move (thinc's ``Ops.gemm``); the parser's per-step arithmetic stays
    in BLIS, which thinc gives no way to replace.
    """
    from thinc.api import NumpyOps  # noqa: PLC0415 - thinc is heavy and only needed with the model

    ops = NumpyOps(use_blis=False)
    layers = 0
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is None:
            continue
        for layer in model.walk():
            layer.ops = ops
            layers += 1
    return layers
