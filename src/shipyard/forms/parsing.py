"""Reading a submitted form: the request body (or query string) to a validation payload.

Owns the HTTP side of forms: which content types are accepted (415 otherwise), the size
limits (the whole body is capped before parsing by :mod:`shipyard.web.body_limit`; here
413 for a declared body over a form's own tighter limit, 400 for a field or file count
over the limit or a body that is not valid multipart), and the browser conventions that
turn raw form values into what a pydantic model expects: an unchecked checkbox is absent
(so ``False``), an empty string means "not given" (``None`` for optional fields, the
default or a "required" error otherwise), a browser's empty file input is no file, and
list fields collect every value sent under their name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from python_multipart.exceptions import FormParserError
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request

from shipyard.forms.fields import FieldSpec

FORM_MEDIA_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_QUERY_METHODS = frozenset({"GET", "HEAD"})


@dataclass(frozen=True)
class FormLimits:
    """Bounds on what one form submission may contain."""

    max_body_size: int | None = None
    """Largest declared ``Content-Length`` in bytes (files included), 413 above it, to
    refuse one form below the app's body limit; None: only that limit applies
    (``web.max_body_size``, raised for upload routes with the route's ``max_body_size``)."""
    max_part_size: int = 1024 * 1024
    """Largest single non-file field in bytes; 400 above it."""
    max_fields: int = 1000
    max_files: int = 100


async def read_form(request: Request, limits: FormLimits) -> FormData:
    """The submitted form: the query string for GET/HEAD, the body otherwise.

    Raises ``HTTPException`` (415, 413 or 400) with a message that says what was wrong.
    """
    if request.method in _QUERY_METHODS:
        items: list[tuple[str, str | UploadFile]] = list(request.query_params.multi_items())
        return FormData(items)
    content_type = request.headers.get("content-type", "")
    media_type = content_type.partition(";")[0].strip().lower()
    declared = _content_length(request)
    if media_type not in FORM_MEDIA_TYPES:
        if not media_type and not declared:
            return FormData()
        raise HTTPException(
            415,
            f"This endpoint expects a form ({' or '.join(FORM_MEDIA_TYPES)}), "
            f"not {media_type or 'a body without a Content-Type'}.",
        )
    if limits.max_body_size is not None and declared > limits.max_body_size:
        raise HTTPException(
            413,
            f"The form is {declared} bytes; the limit is {limits.max_body_size} bytes.",
        )
    try:
        return await request.form(
            max_files=limits.max_files,
            max_fields=limits.max_fields,
            max_part_size=limits.max_part_size,
        )
    except (FormParserError, ValueError, UnicodeDecodeError) as exc:
        raise HTTPException(400, f"The form body could not be parsed: {exc}") from exc


def _content_length(request: Request) -> int:
    raw = request.headers.get("content-length", "")
    if not raw:
        return 0
    if not raw.isdigit():
        raise HTTPException(400, f"Invalid Content-Length header {raw[:40]!r}.")
    return int(raw)


def collect(form: FormData, specs: Iterable[FieldSpec]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(payload for ``model_validate``, values to re-fill the form) from a parsed form.

    Fields absent from the payload take their default or get pydantic's "required"
    error; names the model does not declare (the CSRF token, buttons) are ignored.
    Secret fields and files never appear in the values.
    """
    payload: dict[str, Any] = {}
    values: dict[str, Any] = {}
    for spec in specs:
        raw = form.getlist(spec.name)
        if spec.is_bool:
            checked = bool(raw) and raw[-1] not in ("", "false", "off", "0")
            payload[spec.name] = values[spec.name] = checked
            continue
        given = [item for item in (_clean(value, spec) for value in raw) if item is not None]
        if spec.multiple:
            if given:
                payload[spec.name] = given
        elif given:
            payload[spec.name] = given[-1]
        elif spec.optional and raw:
            payload[spec.name] = None
        if not (spec.secret or spec.is_file):
            typed = [item for item in given if isinstance(item, str)]
            values[spec.name] = typed if spec.multiple else (typed[-1] if typed else "")
    return payload, values


def _clean(value: str | UploadFile, spec: FieldSpec) -> str | UploadFile | None:
    """The value as the model should see it; None when the browser sent "nothing"."""
    if isinstance(value, UploadFile):
        # A file input left empty is still sent: a part with no filename and no bytes.
        return value if value.filename or value.size else None
    if spec.strip:
        value = value.strip()
    return value or None
