"""The outcome of a form submission: the validated model, or errors plus what was typed.

Owns :class:`FormResult`, the one object a handler and a template share: ``is_valid``,
``data`` and ``changes()`` for the handler; ``errors``/``form_errors``, ``value(name)``,
``field(name)``, ``fields`` and ``locked`` for the macros that re-render the form.

``writable`` (the field names the user may set, None for all; an authorization policy's
``writable_fields``) locks every other field: the macros render it disabled, a value
submitted for it anyway is dropped before validation (a required one is not required),
and ``changes()`` leaves it out, so a hostile POST cannot set it.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Collection, Mapping
from typing import Any, Generic, TypeVar, cast

from pydantic import BaseModel, SecretStr, ValidationError, create_model
from pydantic_core import ErrorDetails

from shipyard.forms.fields import FieldSpec, describe, form_key

ModelT = TypeVar("ModelT", bound=BaseModel)

_MESSAGE_PREFIXES = ("Value error, ", "Assertion failed, ")


class FormResult(Generic[ModelT]):
    """A validated form model, or the errors and values needed to show the form again."""

    def __init__(
        self,
        model: type[ModelT],
        *,
        data: ModelT | None = None,
        values: Mapping[str, Any] | None = None,
        errors: Mapping[str, list[str]] | None = None,
        form_errors: list[str] | None = None,
        submitted: bool = True,
        strip: bool = True,
        writable: Collection[str] | None = None,
    ) -> None:
        self.model = model
        self.fields: tuple[FieldSpec, ...] = describe(model, strip=strip)
        self.locked: frozenset[str] = _locked(model, writable)
        """The form names of the fields the user may not set (rendered disabled)."""
        self.values: dict[str, Any] = dict(values or {})
        self.errors: dict[str, list[str]] = {k: list(v) for k, v in (errors or {}).items()}
        self.form_errors: list[str] = list(form_errors or [])
        self.submitted = submitted
        self._data = data

    # -- construction -----------------------------------------------------------------

    @classmethod
    def validate(
        cls,
        model: type[ModelT],
        payload: Mapping[str, Any],
        values: Mapping[str, Any],
        *,
        strip: bool = True,
        writable: Collection[str] | None = None,
    ) -> FormResult[ModelT]:
        """Validate ``payload`` with ``model``; ``values`` is what the user typed.

        Values of fields outside ``writable`` are dropped first, unseen and unvalidated.
        """
        locked = _locked(model, writable)
        if locked:
            payload = {key: value for key, value in payload.items() if key not in locked}
            values = {key: value for key, value in values.items() if key not in locked}
        try:
            data = _without_required(model, locked).model_validate(payload)
        except ValidationError as exc:
            result = cls(model, values=values, strip=strip, writable=writable)
            for error in exc.errors():
                loc = error["loc"]
                result.add_error(str(loc[0]) if loc else None, _message(error))
            return result
        return cls(model, data=cast(ModelT, data), values=values, strip=strip, writable=writable)

    @classmethod
    def blank(
        cls,
        model: type[ModelT],
        initial: object | Mapping[str, Any] | None = None,
        *,
        writable: Collection[str] | None = None,
    ) -> FormResult[ModelT]:
        """An unsubmitted form (for GET) showing the fields' defaults.

        ``initial`` (a model instance, any object with those attributes, or a mapping by
        field name or alias) overrides the defaults, e.g. to edit an existing record.
        Fields outside ``writable`` show their value, disabled.
        """
        result = cls(model, submitted=False, writable=writable)
        for spec in result.fields:
            if spec.secret or spec.is_file:
                continue
            attribute = _attribute_name(model, spec.name)
            info = model.model_fields[attribute]
            if isinstance(initial, Mapping) and (spec.name in initial or attribute in initial):
                result.values[spec.name] = _display(initial.get(spec.name, initial.get(attribute)))
            elif (
                initial is not None
                and not isinstance(initial, Mapping)
                and hasattr(initial, attribute)
            ):
                result.values[spec.name] = _display(getattr(initial, attribute))
            elif not info.is_required():
                result.values[spec.name] = _display(info.get_default(call_default_factory=True))
        return result

    # -- handler side -----------------------------------------------------------------

    @property
    def is_valid(self) -> bool:
        """True when the model validated and no error was added since."""
        return self._data is not None and not self.errors and not self.form_errors

    @property
    def data(self) -> ModelT:
        """The validated model instance; RuntimeError when the form is not valid."""
        if self._data is None or not self.is_valid:
            raise RuntimeError(
                f"{self.model.__name__} form is not valid; check `is_valid` before `data`"
            )
        return self._data

    def changes(self, *, exclude: Collection[str] = ()) -> dict[str, Any]:
        """The validated values the user may set, by field name, to apply to a record.

        ``data.model_dump()`` without the locked fields (and ``exclude``): a locked field
        keeps the record's value, or a new record's default.
        """
        locked = {_attribute_name(self.model, key) for key in self.locked}
        return self.data.model_dump(exclude={*locked, *exclude})

    def add_error(self, field: str | None, message: str) -> None:
        """Attach an error to a field (``None``: to the whole form); the form turns invalid."""
        if field is None:
            self.form_errors.append(message)
        else:
            self.errors.setdefault(field, []).append(message)

    # -- template side ----------------------------------------------------------------

    def field(self, name: str) -> FieldSpec | None:
        """The spec of the field with this form name, if the model declares it."""
        return next((spec for spec in self.fields if spec.name == name), None)

    def value(self, name: str, default: Any = "") -> Any:
        """What to show in the input: the typed value, the initial value, or ``default``."""
        return self.values.get(name, default)

    def error(self, name: str) -> list[str]:
        """The error messages of one field (empty when it has none)."""
        return self.errors.get(name, [])

    def __repr__(self) -> str:
        state = "valid" if self.is_valid else f"errors={self.errors!r} {self.form_errors!r}"
        return f"<FormResult {self.model.__name__} {state}>"


def _message(error: ErrorDetails) -> str:
    if error["type"] == "missing":
        return "This field is required."
    message = error["msg"]
    for prefix in _MESSAGE_PREFIXES:
        message = message.removeprefix(prefix)
    return message


def _locked(model: type[BaseModel], writable: Collection[str] | None) -> frozenset[str]:
    """The form names of ``model``'s fields whose attribute is not in ``writable``."""
    if writable is None:
        return frozenset()
    return frozenset(
        form_key(name, info) for name, info in model.model_fields.items() if name not in writable
    )


@functools.cache
def _without_required(model: type[ModelT], locked: frozenset[str]) -> type[ModelT]:
    """``model`` whose locked required fields default to None: the form never sends them."""
    required = {
        name: (cast(Any, info.annotation) | None, None)
        for name, info in model.model_fields.items()
        if form_key(name, info) in locked and info.is_required()
    }
    if not required:
        return model
    return cast(type[ModelT], create_model(model.__name__, __base__=model, **required))  # type: ignore[call-overload]


def _attribute_name(model: type[BaseModel], key: str) -> str:
    for name, info in model.model_fields.items():
        if info.alias == key or (info.alias is None and name == key):
            return name
    raise KeyError(key)


def _display(value: Any) -> Any:
    """A Python value as an input shows it (bools stay bools for checkboxes)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return [_display(item) for item in value]
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, dt.datetime):
        timespec = "seconds" if value.second else "minutes"
        return value.replace(tzinfo=None, microsecond=0).isoformat(timespec=timespec)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, SecretStr):
        return ""
    return str(value)
