"""Configuration errors: one :class:`Problem` per bad value, gathered into a :class:`ConfigError`.

Every problem names the dotted key (when there is one), where the bad value came from
(``config/settings.toml:12``, ``environment variable SHIPYARD_SERVER__PORT``...) and what
is wrong or expected, so the report reads one line per problem.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from shipyard.errors import ShipyardError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the configuration."""

    message: str
    key: str | None = None
    source: str | None = None

    def __str__(self) -> str:
        where = f"{self.source}: " if self.source else ""
        key = f"{self.key}: " if self.key else ""
        return f"{where}{key}{self.message}"

    def as_dict(self) -> dict[str, str | None]:
        """The JSON shape used by ``shipyard config check --format json``."""
        return {"key": self.key, "message": self.message, "source": self.source}


class ConfigError(ShipyardError):
    """The configuration cannot be loaded; ``problems`` lists every reason found."""

    def __init__(
        self,
        problems: Sequence[Problem],
        *,
        profile: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.problems = list(problems)
        self.profile = profile
        label = (
            f"invalid configuration (profile {profile!r})" if profile else "invalid configuration"
        )
        if len(self.problems) == 1:
            message = f"{label}: {self.problems[0]}"
        else:
            lines = "\n".join(f"  {problem}" for problem in self.problems)
            message = f"{label}, {len(self.problems)} problems:\n{lines}"
        super().__init__(message, hint=hint)
