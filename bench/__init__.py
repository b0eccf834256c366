"""``make bench``: throughput and latency of the pipeline as ratios against same-run baselines."""
