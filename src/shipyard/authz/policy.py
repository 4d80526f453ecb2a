"""``Policy[Model]``: per-model action rules, a list scope and field rules for an Identity.

::

    class ShipPolicy(Policy[Ship]):
        deny_status = 404  # a denied user cannot tell the ship exists

        def before(self, identity, action, obj):
            return True if self.has_permission(identity, "ships:admin") else None

        def view(self, identity, ship):
            return identity is not None and ship.owner_id == identity.user.id

        def scope(self, query, identity):
            return query.where(Ship.owner_id == (identity.user.id if identity else None))

Declaring the class registers it for its model (``register=False`` opts out). An action is
a public method taking ``(identity, obj)`` and answering a bool; ``obj`` is the record, or
the model class when there is none yet. A missing policy, a missing action and the
default :meth:`Policy.scope` all deny unless ``authz.missing_policy = "allow"``.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Collection
from typing import Any, ClassVar, Generic, TypeVar, get_args, get_origin

from sqlalchemy import Select, false
from sqlalchemy import inspect as inspect_row

from shipyard.auth.identity import Identity
from shipyard.authz.checks import allows, user_permissions
from shipyard.errors import ShipyardError

ModelT = TypeVar("ModelT")
ACTION = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
"""An action name: ``view``, ``update``, ``publish``..."""
SCOPE_ACTIONS = {"view": "read"}
"""Actions whose token scope has another name (``view`` needs ``ships:read``)."""


class Policy(Generic[ModelT]):
    """Who may do what to one model's rows; subclass as ``Policy[Model]``.

    ``deny_status`` is what a denied request answers: 403, or 404 to hide that the row
    exists. ``resource`` names the model in token scopes (``ships:read``); it defaults to
    the table name.
    """

    model: ClassVar[type[Any]]
    deny_status: ClassVar[int] = 403
    resource: ClassVar[str] = ""

    def __init_subclass__(cls, register: bool = True, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for base in getattr(cls, "__orig_bases__", ()):
            if get_origin(base) is Policy:
                (model,) = get_args(base)
                if isinstance(model, type):
                    cls.model = model
        if cls.deny_status not in (403, 404):
            raise ShipyardError(f"{cls.__name__}.deny_status must be 403 or 404")
        if not getattr(cls, "model", None):
            return
        if not cls.resource:
            cls.resource = str(getattr(cls.model, "__tablename__", cls.model.__name__.lower()))
        if register:
            from shipyard.authz.registry import policies

            policies.register(cls)

    @classmethod
    def actions(cls) -> list[str]:
        """The actions this policy answers: its own public functions (not the base's)."""
        return sorted(
            name
            for name in dir(cls)
            if ACTION.match(name)
            and not hasattr(Policy, name)
            and inspect.isfunction(getattr(cls, name))
        )

    def before(self, identity: Identity | None, action: str, obj: Any) -> bool | None:
        """Runs first: True allows, False denies, None lets the action's rule decide."""
        return None

    def scope(self, query: Select[Any], identity: Identity | None) -> Select[Any]:
        """``query`` narrowed to the rows ``identity`` may see; by default, none."""
        return query.where(false())

    def readable_fields(self, identity: Identity | None) -> Collection[str] | None:
        """The fields ``identity`` may read (None: every field)."""
        return None

    def writable_fields(self, identity: Identity | None) -> Collection[str] | None:
        """The fields ``identity`` may set (None: every field)."""
        return None

    def on_create(self, identity: Identity | None, obj: ModelT) -> None:
        """Fill in what a new row gets from its creator (an owner), before ``create``."""

    @staticmethod
    def has_permission(identity: Identity | None, permission: str) -> bool:
        """True if ``identity``'s roles (and token scopes) grant ``permission``."""
        return allows(identity, permission)

    @staticmethod
    def has_role(identity: Identity | None, role: str) -> bool:
        """True if ``identity``'s user holds the *active* role called ``role``."""
        if identity is None:
            return False
        return any(item.name == role and item.is_active for item in identity.user.roles)

    @staticmethod
    def permissions(identity: Identity | None) -> frozenset[str]:
        """Every permission ``identity``'s active roles grant (nothing for anonymous)."""
        return user_permissions(identity.user) if identity is not None else frozenset()

    @staticmethod
    def user_id(identity: Identity | None) -> Any:
        """The user's id, or None for anonymous visitors (handy in owner rules)."""
        return identity.user.id if identity is not None else None

    def scope_name(self, action: str) -> str:
        """The token scope ``action`` needs: ``ships:read`` for ``view``, ``ships:update``."""
        return f"{self.resource}:{SCOPE_ACTIONS.get(action, action)}"


def model_of(obj: Any) -> type[Any]:
    """The model ``obj`` is a row of (``obj`` itself when it is a class)."""
    return obj if isinstance(obj, type) else type(obj)


def object_id(obj: Any) -> Any:
    """The primary key of a row for logs and messages (None for a class or an unsaved row)."""
    if isinstance(obj, type):
        return None
    mapper = inspect_row(type(obj), raiseerr=False)
    if mapper is None:
        return None
    key = mapper.primary_key_from_instance(obj)
    return key[0] if len(key) == 1 else list(key)
