"""Competitor benchmarks: public professional accounts tracked by username through Business Discovery."""
