"""Generators of SYNTHETIC data for tests and benchmarks. Nothing here is real data."""
