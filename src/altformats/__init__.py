"""altformats: one structured source, every accessible format, the same words in each."""

import os

# numpy's OpenBLAS joins its worker threads in a fork handler, so a child started in one thread
# (tools.popen forks, for its preexec function) while a numpy call runs on those workers in
# another deadlocks both: `check` runs its validators beside its readers, and a ten-sheet check
# hung that way. One BLAS thread has no workers to join; numpy's calls here are small. Set before
# numpy loads (a program that loads numpy before altformats sets it itself).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from altformats.api import build, check, load  # noqa: E402

__all__ = ["build", "check", "load"]
__version__ = "0.1.0"
