"""Side-by-side benchmarks: `python bench/run.py [--quick] [--json]` (see docs/benchmarks.md)."""
