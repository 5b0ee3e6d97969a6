"""Reproducible benchmarks with their own corpus generator (`make bench`)."""
