"""Shaodian's benchmarks: push throughput, a county's day at scale, page weight. Run `python -m bench.run`."""
