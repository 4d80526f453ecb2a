"""Account keys: the counter name of an account, a hash of its folded email address.

Folding is the way accounts compare emails (NFKC, surrounding whitespace stripped, lower
case), so ``Ada@Example.com`` and `` ada@example.com`` share one counter, and no address
is stored in the limiter's storage.
"""

from __future__ import annotations

import hashlib
import unicodedata


def account_key(identifier: str) -> str:
    """``account:<hash>`` for an email address (or any account identifier)."""
    folded = unicodedata.normalize("NFKC", identifier).strip().lower()
    digest = hashlib.sha256(folded.encode()).hexdigest()
    return f"account:{digest[:32]}"
