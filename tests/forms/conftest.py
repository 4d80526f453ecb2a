"""A small app with one form model covering every field kind, its page template in tmp_path."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import httpx
import pytest
from fastapi import Depends, FastAPI, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, SecretStr, model_validator
from starlette.responses import Response

from shipyard.forms import FormLimits, FormResult, Widget, form_of, form_response


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"
    DARK_BLUE = "dark-blue"


class PostForm(BaseModel):
    title: Annotated[str, Field(min_length=3, max_length=80, description="A short title")]
    body: Annotated[str, Widget("textarea")] = ""
    email: str | None = None
    password: SecretStr | None = None
    count: Annotated[int, Field(ge=0, le=100)] = 0
    ratio: float | None = None
    price: Decimal | None = None
    published: bool = False
    day: dt.date | None = None
    at: dt.datetime | None = None
    color: Color = Color.RED
    tags: list[Color] = Field(default_factory=list)
    attachment: UploadFile | None = None
    gallery: list[UploadFile] = Field(default_factory=list)
    code: Annotated[str, Widget(strip=False)] = ""

    @model_validator(mode="after")
    def _not_banned(self) -> PostForm:
        if self.title == "banned":
            raise ValueError("This title is not allowed")
        return self


PostFormDep = Annotated[FormResult[PostForm], Depends(form_of(PostForm))]
RawFormDep = Annotated[FormResult[PostForm], Depends(form_of(PostForm, strip=False))]
SmallFormDep = Annotated[
    FormResult[PostForm],
    Depends(form_of(PostForm, limits=FormLimits(max_body_size=4096, max_part_size=1024))),
]

PAGE = """<!doctype html>
<html><body><h1 id="page-title">New post</h1>
{% block form %}
{% import "forms/fields.html" as f with context %}
{% call f.form(action="/posts", form=form, hx_post="/posts", hx_swap="outerHTML") %}
{{ f.text("title", form=form) }}
{{ f.textarea("body", form=form) }}
{{ f.email("email", form=form) }}
{{ f.password("password", form=form) }}
{{ f.number("count", form=form) }}
{{ f.checkbox("published", form=form) }}
{{ f.date("day", form=form) }}
{{ f.select("color", form=form) }}
{{ f.multiselect("tags", form=form) }}
{{ f.file("attachment", form=form) }}
{{ f.submit("Save") }}
{% endcall %}
{% endblock %}
<footer>footer</footer></body></html>
"""


def summary(data: PostForm) -> dict[str, Any]:
    """The validated model as JSON-able values (files by name and content)."""
    dumped = data.model_dump(mode="json", exclude={"attachment", "gallery", "password"})
    dumped["password"] = data.password.get_secret_value() if data.password else None
    dumped["attachment"] = data.attachment.filename if data.attachment else None
    dumped["gallery"] = [upload.filename for upload in data.gallery]
    return dumped


def build_app(template_dir: Path) -> FastAPI:
    app = FastAPI()
    app.template_dirs = [template_dir]  # type: ignore[attr-defined]

    async def answer(request: Request, form: FormResult[PostForm]) -> Response:
        if not form.is_valid:
            return form_response(request, "page.html", {"heading": "New post"}, form)
        return JSONResponse(summary(form.data))

    @app.get("/posts/new")
    async def new(request: Request) -> Response:
        return form_response(request, "page.html", {}, FormResult.blank(PostForm))

    @app.post("/posts")
    async def create(request: Request, form: PostFormDep) -> Response:
        return await answer(request, form)

    @app.post("/posts/raw")
    async def create_raw(request: Request, form: RawFormDep) -> Response:
        return await answer(request, form)

    @app.post("/posts/small")
    async def create_small(request: Request, form: SmallFormDep) -> Response:
        return await answer(request, form)

    @app.get("/search")
    async def search(request: Request, form: PostFormDep) -> Response:
        return await answer(request, form)

    @app.post("/posts/taken")
    async def taken(request: Request, form: PostFormDep) -> Response:
        if form.is_valid and form.data.title == "taken":
            form.add_error("title", "That title is taken.")
            form.add_error(None, "Please fix the errors below.")
        return await answer(request, form)

    return app


@pytest.fixture
def template_dir(tmp_path: Path) -> Path:
    (tmp_path / "page.html").write_text(PAGE)
    return tmp_path


@pytest.fixture
async def client(template_dir: Path) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_app(template_dir))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http
