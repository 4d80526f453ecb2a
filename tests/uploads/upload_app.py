"""A small app taking uploads, used in-process (:func:`make_app`) and served (:func:`create`).

Routes: ``POST /upload`` (settings limits, every check), ``POST /photos`` (images only,
64 KB each, two at most), ``POST /raw`` (no content checks, the 1 GB test), ``GET/POST
/form`` (a pydantic form with an ``UploadedFile`` field, errors inline) and ``GET
/dropzone`` (the drop zone macro, posting to ``/photos``). ``create`` reads the settings
from the environment (``SHIPYARD_*``) with the app root in ``UPLOAD_TEST_ROOT``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from starlette.responses import HTMLResponse, Response

from shipyard import App, Settings
from shipyard.forms import FormResult, form_of, form_response
from shipyard.realtime import RealtimeExtension
from shipyard.uploads import Upload, UploadedFile, Uploads, UploadsExtension, parse_size
from shipyard.web import render

TEMPLATES = Path(__file__).resolve().parent / "templates"
IMAGES = ["image/png", "image/jpeg", "image/gif"]
BIG = parse_size("2GB")

UploadsDep = Annotated[Uploads, Depends(Upload())]
PhotosDep = Annotated[Uploads, Depends(Upload(max_size="64KB", max_files=2, types=IMAGES))]
RawDep = Annotated[Uploads, Depends(Upload(validate=False, scan=False))]


class PhotoForm(BaseModel):
    caption: str = Field(min_length=1, max_length=80)
    photo: UploadedFile


PhotoFormDep = Annotated[
    FormResult[PhotoForm],
    Depends(form_of(PhotoForm, uploads=Upload(max_size="64KB", types=IMAGES))),
]


class NoteForm(BaseModel):
    note: str = ""
    attachments: list[UploadedFile] = Field(default_factory=list)


NoteFormDep = Annotated[FormResult[NoteForm], Depends(form_of(NoteForm))]


def described(uploads: Uploads) -> dict[str, Any]:
    return {
        "files": [
            {
                "field": file.field,
                "filename": file.filename,
                "content_type": file.content_type,
                "client_type": file.client_type,
                "size": file.size,
                "sha256": file.sha256,
                "scanned": file.scanned,
                "spooled_at": os.readlink(f"/proc/self/fd/{file.file.fileno()}"),
            }
            for file in uploads.files
        ],
        "fields": {key: value for key, value in uploads.form.items() if isinstance(value, str)},
    }


router = APIRouter()


@router.post("/upload", max_body_size=BIG)
async def upload(uploads: UploadsDep) -> dict[str, Any]:
    return described(uploads)


@router.post("/photos", max_body_size=BIG)
async def photos(uploads: PhotosDep) -> dict[str, Any]:
    return described(uploads)


@router.post("/raw", max_body_size=BIG)
async def raw(uploads: RawDep) -> dict[str, Any]:
    return described(uploads)


@router.api_route("/form", methods=["GET", "POST"], response_class=HTMLResponse)
async def form_page(request: Request, form: PhotoFormDep) -> Response:
    if request.method == "GET":
        return form_response(request, "upload_form.html", {}, FormResult.blank(PhotoForm))
    if form.is_valid:
        photo = form.data.photo
        return HTMLResponse(f"<p id=saved>{photo.filename} {photo.content_type}</p>")
    return form_response(request, "upload_form.html", {}, form)


@router.post("/notes")
async def notes(form: NoteFormDep) -> dict[str, Any]:
    if not form.is_valid:
        return {"errors": form.errors}
    return {"types": [file.content_type for file in form.data.attachments]}


@router.get("/dropzone", response_class=HTMLResponse)
async def dropzone(request: Request) -> Response:
    return render(request, "dropzone_page.html", {})


def make_app(root: Path, settings: Settings | None = None) -> App:
    """The test app with its files under ``root``."""
    app = App(
        settings,
        root=root,
        profile=None if settings is not None else "test",
        extensions=[RealtimeExtension(), UploadsExtension()],
    )
    app.add_template_dir(TEMPLATES)
    app.include_router(router)
    return app


def create() -> App:
    """The served app (``uvicorn --factory tests.uploads.upload_app:create``)."""
    return make_app(Path(os.environ["UPLOAD_TEST_ROOT"]))
