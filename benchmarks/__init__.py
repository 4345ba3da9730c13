"""Benchmarks: they print figures and never fail on a time (`make bench`)."""
