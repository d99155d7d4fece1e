"""wirewatch enrich service."""

import os

# One OpenBLAS thread (see blas.py): effective only before numpy loads, which importing this package first ensures
# for `python -m wirewatch.enrich` and the bench. An explicit setting in the environment wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
