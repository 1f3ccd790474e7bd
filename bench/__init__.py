"""Benchmarks: `make bench` (or `python -m bench`) prints the figures; nothing here is a test."""
