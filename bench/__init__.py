"""Benchmarks: `python -m bench` prints figures and writes docs/BENCHMARKS.md. Not tests."""
