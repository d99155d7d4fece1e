"""Keep OpenBLAS to one thread: spaCy's small matrices gain nothing from more, and the spare threads spin.

Measured with ``python -m wirewatch.enrich.bench`` on the 2-core machine: bare NER went from about 29 to 41
articles per CPU-second with one BLAS thread. ``OPENBLAS_NUM_THREADS=1`` does it when set before numpy loads
(the Dockerfile sets it); this module does it afterwards too, for processes that imported numpy earlier (the CLI).
"""

from __future__ import annotations

import ctypes
import logging
from pathlib import Path

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
