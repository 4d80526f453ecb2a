"""``shipyard scaffold oauth2 KIND``: sign-in with a provider added to a project.

Adds ``OAuthExtension`` to ``app/main.py``, the provider's settings block to
``config/settings.toml`` (the client secret as a ``secret://env/...`` reference, with a
stand-in in ``settings.test.toml`` so the tests run without it) and a test of the
"Continue with" button; the linked-identities table comes with Shipyard's own migrations
(``shipyard db upgrade``). :func:`oauth2_plan` computes the change, :func:`next_steps`
says where to create the client and which callback URL to register there.
"""
