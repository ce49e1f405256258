"""newsloom: a self-hosted news portal with story intelligence.

One BLAS thread per process, set before numpy is first imported: parallelism comes from
processes (the worker's pools, `newsloom cluster`'s feature processes, the web server's
forks). OpenBLAS otherwise starts a thread per core whose waits spin; on the 2-core
machine, shared with other processes, one 975 x 512 matrix-vector product of the story
engine took 8 ms instead of 0.04 ms (docs/benchmarks.md), and embedding was 2 to 20
times slower. An operator's own setting of these variables wins."""

import os

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

__version__ = "0.1.0"
