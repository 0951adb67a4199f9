"""Benchmarks of the ingest path (run `python -m bench.ingest_bench`)."""
