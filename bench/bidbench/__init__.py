"""Bench only (bench/bids_bench.py): the settings, the URLs and the one model of the bid
submission benchmark's servers. Never used by the product."""
