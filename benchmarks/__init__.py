"""Side-by-side benchmarks against the libraries a user would otherwise pick (``make bench``).

Each ``benchmarks/bench_<topic>.py`` has ``run(quick: bool) -> list[dict]``: rows with at least
``benchmark``, ``ours``, ``peer``, ``unit`` and ``ratio`` (ours / peer in throughput terms, > 1
means we are faster). Results are printed as a table and written to benchmarks/results/.
"""
