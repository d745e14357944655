"""Benchmarks, run by hand (python bench/NAME.py); figures in docs/benchmarks.md."""
