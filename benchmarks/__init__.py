"""Side-by-side throughput benchmarks of Shipyard against its peers.

``apps`` holds one factory per framework, all serving the same JSON endpoint; ``wrk``
parses the load generator's report; ``run`` starts each app under one server, drives load
and prints the table (``python -m benchmarks.run --help``). Figures live in BENCHMARKS.md.
Nothing here is a test: timing never decides whether CI passes.
"""
