"""Indicators: pure computation over tables (no I/O)."""
