"""Benchmarks that print figures (``clustermatch bench ...``, ``scripts/bench_*.py``): kept out of the runtime
packages, imported only by the commands that run them."""
