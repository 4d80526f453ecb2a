"""Deployment files for a project (``shipyard scaffold deployment``).

:mod:`.profile` reads what the files depend on from the project's production settings
(database kind, the services Redis backs, jobs, mail, timeouts, limits, health and metrics
paths); :mod:`.targets` names the files of each target (docker, compose, kubernetes,
systemd, proxy, monitoring) and renders the templates under ``templates/`` into a
:class:`~shipyard.scaffold.plan.Plan`, so they are written like every generator's files
(never overwriting a changed file without ``--force``).
"""
