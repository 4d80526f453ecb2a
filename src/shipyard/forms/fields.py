"""What a form model's fields look like as HTML inputs.

Owns the mapping from a pydantic field (its type, constraints, title, description and an
optional :class:`Widget` marker) to a :class:`FieldSpec`: the form key, the widget, the
label, the choices, the HTML constraint attributes, and how the raw form value is read
(list, checkbox, file, secret, whitespace stripping). Parsing and the Jinja macros both
read these specs; neither looks at pydantic internals itself.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo
from starlette.datastructures import UploadFile

WidgetKind = Literal[
    "text",
    "email",
    "password",
    "number",
    "date",
    "datetime-local",
    "time",
    "checkbox",
    "select",
    "radio",
    "checkboxes",
    "textarea",
    "file",
    "hidden",
]
"""Every widget the macros in ``forms/fields.html`` can render."""

_LIST_ORIGINS = (list, set, frozenset, tuple)
_TEXT_WIDGETS = frozenset({"text", "email", "password", "textarea", "hidden"})


@dataclass(eq=False)
class Widget:
    """``Annotated`` marker that overrides how one form field is read and rendered.

    ``Annotated[str, Widget("textarea", attrs={"rows": 6})]``; ``strip=False`` keeps
    leading/trailing whitespace; ``secret=True`` never sends the value back to the page.
    """

    kind: WidgetKind | None = None
    strip: bool | None = None
    secret: bool | None = None
    attrs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FieldSpec:
    """One form field as the parser and the rendering macros see it."""

    name: str
    label: str
    widget: WidgetKind
    required: bool
    multiple: bool
    optional: bool
    strip: bool
    secret: bool
    help: str | None = None
    choices: tuple[tuple[str, str], ...] = ()
    attrs: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_bool(self) -> bool:
        """Whether an absent value means ``False`` (an unchecked checkbox)."""
        return self.widget == "checkbox"

    @property
    def is_file(self) -> bool:
        """Whether the value is one or more uploaded files."""
        return self.widget == "file"


def describe(model: type[BaseModel], *, strip: bool = True) -> tuple[FieldSpec, ...]:
    """The field specs of a form model, in declaration order (cached per model)."""
    return _describe(model, strip)


@functools.cache
def _describe(model: type[BaseModel], strip: bool) -> tuple[FieldSpec, ...]:
    return tuple(_spec(name, info, strip) for name, info in model.model_fields.items())


def form_key(name: str, info: FieldInfo) -> str:
    """The name a field goes by in the form: its alias, if it has one."""
    return info.alias if isinstance(info.alias, str) else name


def _spec(name: str, info: FieldInfo, strip_default: bool) -> FieldSpec:
    inner, optional, multiple, metadata = _unwrap(info.annotation)
    metadata = [*info.metadata, *metadata]
    marker = next((m for m in metadata if isinstance(m, Widget)), Widget())
    widget, choices = _widget_for(name, inner, multiple)
    if marker.kind is not None:
        widget = marker.kind
    secret = marker.secret if marker.secret is not None else widget == "password"
    strip = marker.strip if marker.strip is not None else strip_default and not secret
    return FieldSpec(
        name=form_key(name, info),
        label=info.title or name.replace("_", " ").capitalize(),
        widget=widget,
        required=info.is_required() and widget != "checkbox",
        multiple=multiple,
        optional=optional,
        strip=strip,
        secret=secret,
        help=info.description,
        choices=choices,
        attrs={**_constraint_attrs(widget, inner, metadata), **marker.attrs},
    )


def _unwrap(annotation: Any) -> tuple[Any, bool, bool, list[Any]]:
    """Peel ``Annotated``, ``Optional`` and one list level: (inner, optional, multiple, meta)."""
    optional = multiple = False
    metadata: list[Any] = []
    for _ in range(4):  # Annotated / Optional / list nest at most a few levels in a form
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation, *extra = get_args(annotation)
            metadata.extend(extra)
        elif origin in (Union, types.UnionType):
            members = [arg for arg in get_args(annotation) if arg is not type(None)]
            optional = optional or len(members) < len(get_args(annotation))
            annotation = members[0] if len(members) == 1 else str
        elif origin in _LIST_ORIGINS and not multiple:
            multiple = True
            annotation = get_args(annotation)[0] if get_args(annotation) else str
        else:
            break
    return annotation, optional, multiple, metadata


def _widget_for(
    name: str, inner: Any, multiple: bool
) -> tuple[WidgetKind, tuple[tuple[str, str], ...]]:
    choices = _choices(inner)
    if choices:
        return "select", choices
    if not isinstance(inner, type):
        return "text", ()
    if issubclass(inner, UploadFile):
        return "file", ()
    widget: WidgetKind = "text"
    if issubclass(inner, bool):
        widget = "checkbox"
    elif issubclass(inner, int | float | Decimal):
        widget = "number"
    elif issubclass(inner, dt.datetime):
        widget = "datetime-local"
    elif issubclass(inner, dt.date):
        widget = "date"
    elif issubclass(inner, dt.time):
        widget = "time"
    elif issubclass(inner, SecretStr):
        widget = "password"
    elif inner.__name__ == "EmailStr" or name == "email" or name.endswith("_email"):
        widget = "email"
    return widget, ()


def _choices(inner: Any) -> tuple[tuple[str, str], ...]:
    if get_origin(inner) is Literal:
        return tuple((str(value), str(value)) for value in get_args(inner))
    if isinstance(inner, type) and issubclass(inner, enum.Enum):
        return tuple(
            (str(member.value), member.name.replace("_", " ").capitalize()) for member in inner
        )
    return ()


def _constraint_attrs(widget: WidgetKind, inner: Any, metadata: list[Any]) -> dict[str, Any]:
    """HTML constraint attributes (min/max/step, minlength/maxlength) from the field."""
    attrs: dict[str, Any] = {}
    if widget == "number":
        is_int = isinstance(inner, type) and issubclass(inner, int)
        attrs["step"] = "1" if is_int else "any"
    for item in metadata:
        if widget == "number":
            if isinstance(item, annotated_types.Ge):
                attrs["min"] = str(item.ge)
            elif isinstance(item, annotated_types.Le):
                attrs["max"] = str(item.le)
            elif isinstance(item, annotated_types.MultipleOf):
                attrs["step"] = str(item.multiple_of)
        elif widget in _TEXT_WIDGETS:
            if isinstance(item, annotated_types.MinLen) and item.min_length > 0:
                attrs["minlength"] = str(item.min_length)
            elif isinstance(item, annotated_types.MaxLen):
                attrs["maxlength"] = str(item.max_length)
    return attrs
