"""Background jobs: typed jobs, backends (memory, database, Redis), retries, cron, workers.

Owns the job model and its retry policy, the backend interface and its implementations,
the worker, cron scheduling, lifecycle events and the jobs CLI. It does not own what jobs
do: apps define them.
"""
