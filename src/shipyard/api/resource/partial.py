"""Response shapes for lists whose clients pick fields (``?fields=id,name``).

:func:`partial_model` derives from an output model a model of the same fields, none of
them required (nested models too), so the OpenAPI schema of a list admits every
selection. :func:`page_content` turns a page into its JSON body: full items as their
model dumps them, selected items (dicts from :meth:`ListQuery.project`) as they are.
"""

from __future__ import annotations

import types
from typing import Any, Union, get_args, get_origin

from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, create_model

from shipyard.api.pagination import Page

_PARTIALS: dict[type[BaseModel], type[BaseModel]] = {}


def _partial_annotation(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return partial_model(annotation)
    if get_origin(annotation) in (Union, types.UnionType):
        args = tuple(_partial_annotation(arg) for arg in get_args(annotation))
        return Union[args]  # noqa: UP007 (built from a runtime tuple)
    return annotation


def partial_model(model: type[BaseModel]) -> type[BaseModel]:
    """``model`` with every field optional (absent when not selected), nested ones too."""
    fields: dict[str, Any] = {
        name: (_partial_annotation(info.annotation), None)
        for name, info in model.model_fields.items()
    }
    if model in _PARTIALS:
        return _PARTIALS[model]
    partial: type[BaseModel] = create_model(
        f"{model.__name__}Fields",
        __config__=model.model_config,
        __doc__=f"{model.__name__} reduced to the fields the request selected.",
        __module__=model.__module__,
        **fields,
    )
    _PARTIALS[model] = partial
    return partial


def page_content(page: Page[Any]) -> dict[str, Any]:
    """The JSON body of ``page`` (``links`` excluded, as in ``Page`` itself)."""
    items = [
        item.model_dump(mode="json") if isinstance(item, BaseModel) else jsonable_encoder(item)
        for item in page.items
    ]
    return {"items": items, **page.model_dump(mode="json", exclude={"items"})}
