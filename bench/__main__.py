"""``python -m bench``: how fast are big threads? See README, "Benchmark"."""

import sys

from bench.run import main

sys.exit(main())
