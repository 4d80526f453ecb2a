"""Background jobs in the showcase: sample jobs, a cron schedule and a page to enqueue them.

The jobs dashboard itself (``/admin/jobs``) is Shipyard's: ``main.py`` mounts it.
"""
