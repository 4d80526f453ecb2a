"""Background jobs: Shipyard's Redis and database backends against arq, SAQ, taskiq,
dramatiq, Celery and procrastinate, on the same Redis and PostgreSQL, in one run.

Every system runs the same no-op job (it only notes when it started) and is measured
three ways by :func:`benchmarks.jobs.driver.measure`:

1. **enqueue**: ``--jobs`` jobs enqueued one awaited call at a time, no worker running;
   and again in one bulk call where the library has one (Shipyard ``enqueue_many``,
   procrastinate ``batch_defer_async``).
2. **processing**: one worker process (the library's own worker, 10 concurrent jobs)
   started on the ``--jobs`` already enqueued jobs; the rate is the number of jobs over
   the time from the first job's start to the last one's.
3. **latency**: a started, warmed-up worker; ``--latency-jobs`` jobs enqueued one at a
   time at ``--rate`` per second, each carrying its enqueue time; p50/p99 of the time
   until the job starts.

Redis systems use their own database number (:data:`benchmarks.jobs.probe.REDIS_DB`),
flushed between phases; PostgreSQL systems use their own database, whose ``public``
schema is recreated between phases. Usage::

    python -m benchmarks.jobs --output BENCHMARKS.md       # the `jobs` region
    python -m benchmarks.run --cases jobs --output BENCHMARKS.md
"""
