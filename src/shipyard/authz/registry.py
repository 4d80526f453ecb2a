"""The registry of policies by model, and the decision it makes for one action on one object.

:data:`policies` holds one instance per registered :class:`~shipyard.authz.policy.Policy`.
:meth:`PolicyRegistry.decide` answers ``identity`` + ``action`` + ``obj`` with a
:class:`Decision`: inactive users and tokens whose scopes do not cover the action are
refused first, then the policy's ``before`` hook, then the action's rule. A missing policy
or action follows ``missing`` (``"deny"`` unless the app's ``authz.missing_policy`` says
otherwise). Denials are logged as ``authorization denied`` events.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Literal

from shipyard.auth.identity import Identity
from shipyard.authz.permissions import grants
from shipyard.authz.policy import ACTION, Policy, model_of, object_id
from shipyard.errors import ShipyardError

logger = logging.getLogger("shipyard.authz")
Missing = Literal["deny", "allow"]


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether an action is allowed, why, and the status a denial answers (403 or 404)."""

    allowed: bool
    reason: str
    status: int = 403

    def __bool__(self) -> bool:
        return self.allowed


class PolicyRegistry:
    """Policies by model; ``missing`` decides for a model or action nobody declared."""

    def __init__(self) -> None:
        self._by_model: dict[type[Any], Policy[Any]] = {}
        self._actions: dict[type[Any], frozenset[str]] = {}
        self.missing: Missing = "deny"
        self.log_denials = True

    def register(self, policy_class: type[Policy[Any]]) -> None:
        """Make ``policy_class`` the policy of its model (one policy per model)."""
        model = policy_class.model
        current = self._by_model.get(model)
        if current is not None and _name(type(current)) != _name(policy_class):
            raise ShipyardError(
                f"{model.__name__} already has the policy {_name(type(current))}",
                hint=f"declare one policy per model, or {policy_class.__name__}"
                "(Policy[...], register=False)",
            )
        self._by_model[model] = policy_class()
        self._actions[model] = frozenset(policy_class.actions())

    def unregister(self, model: type[Any]) -> None:
        """Forget ``model``'s policy (tests)."""
        self._by_model.pop(model, None)
        self._actions.pop(model, None)

    def policy_for(self, model: type[Any]) -> Policy[Any] | None:
        """The policy of ``model`` (or of the nearest base class that has one)."""
        for klass in model.__mro__:
            policy = self._by_model.get(klass)
            if policy is not None:
                return policy
        return None

    def items(self) -> list[tuple[type[Any], Policy[Any]]]:
        """Every registered model and its policy, by model name."""
        return sorted(self._by_model.items(), key=lambda item: item[0].__name__)

    def decide(
        self, identity: Identity | None, action: str, obj: Any, *, log: bool = True
    ) -> Decision:
        """Whether ``identity`` may ``action`` on ``obj`` (a row, or a model class).

        ``log=False`` for questions (``can``) rather than enforcement: no denial event.
        """
        decision = self._decide(identity, action, obj)
        if not decision.allowed and log and self.log_denials:
            logger.info(
                "authorization denied",
                extra={
                    "user_id": identity.user.id if identity is not None else None,
                    "credential": identity.method if identity is not None else None,
                    "action": action,
                    "model": model_of(obj).__name__,
                    "object_id": object_id(obj),
                    "reason": decision.reason,
                },
            )
        return decision

    def _decide(self, identity: Identity | None, action: str, obj: Any) -> Decision:
        if not ACTION.match(action):
            raise ShipyardError(f"invalid action {action!r}", hint="actions look like 'update'")
        policy = self.policy_for(model_of(obj))
        if policy is None:
            return self._missing(f"no policy for {model_of(obj).__name__}")
        status = policy.deny_status
        if identity is not None and not identity.user.is_active:
            return Decision(False, "inactive user", status)
        if (
            identity is not None
            and identity.scopes is not None
            and not grants(identity.scopes, policy.scope_name(action))
        ):
            return Decision(False, f"token scopes lack {policy.scope_name(action)}", status)
        verdict = policy.before(identity, action, obj)
        if verdict is not None:
            return Decision(bool(verdict), "before", status)
        if action not in self._actions[policy.model]:
            return self._missing(f"{type(policy).__name__} has no action {action!r}", status)
        allowed = bool(getattr(policy, action)(identity, obj))
        return Decision(allowed, "rule" if allowed else f"{type(policy).__name__}.{action}", status)

    def _missing(self, reason: str, status: int = 403) -> Decision:
        if self.missing == "allow":
            logger.warning("authorization allowed by authz.missing_policy: %s", reason)
            return Decision(True, reason, status)
        return Decision(False, reason, status)


def _name(klass: type[Any]) -> str:
    return f"{klass.__module__}.{klass.__qualname__}"


policies = PolicyRegistry()
"""The app-wide registry every ``Policy[Model]`` subclass joins when it is declared."""
