"""Reading a real FastAPI OpenAPI document into operations and example requests."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import FastAPI, Form, Header, Query, Security, UploadFile
from fastapi.security import (
    APIKeyHeader,
    APIKeyQuery,
    HTTPBasic,
    HTTPBasicCredentials,
    HTTPBearer,
    OAuth2PasswordBearer,
)
from pydantic import BaseModel, Field

from shipyard.api.cookbook import Operation, read_document

bearer = HTTPBearer()
api_key = APIKeyHeader(name="X-API-Key")
basic_auth = HTTPBasic()


class PostIn(BaseModel):
    title: str
    body: str = Field(examples=["First paragraph."])
    contact: str = Field(json_schema_extra={"format": "email"})


def small_api() -> FastAPI:
    api = FastAPI(title="Blog", version="2.1")

    @api.get("/posts/{post_id}", tags=["posts"])
    def read_post(
        post_id: int,
        fields: Annotated[str | None, Query(examples=["id,title"])] = None,
        q: str | None = None,
        tag: Annotated[list[str] | None, Query(examples=[["a", "b"]])] = None,
        x_request_id: Annotated[str, Header()] = "",
        token: str = Security(bearer),
    ) -> dict[str, Any]:
        return {}

    @api.post("/posts", tags=["posts"], summary="Create a post")
    def create_post(post: PostIn, key: str = Security(api_key)) -> PostIn:
        return post

    @api.post("/upload")
    def upload(file: UploadFile, note: Annotated[str, Form()]) -> None:
        return None

    @api.get("/basic", deprecated=True)
    def basic(credentials: Annotated[HTTPBasicCredentials, Security(basic_auth)]) -> None:
        return None

    @api.get("/oauth")
    def oauth(
        token: str = Security(OAuth2PasswordBearer(tokenUrl="/token")),
        key: str = Security(APIKeyQuery(name="api_key")),
    ) -> None:
        return None

    return api


def operation(operations: tuple[Operation, ...], method: str, path: str) -> Operation:
    return next(op for op in operations if (op.method, op.path) == (method, path))


def test_get_with_path_query_header_and_bearer() -> None:
    document = read_document(small_api().openapi())
    assert (document.title, document.version) == ("Blog", "2.1")
    read = operation(document.operations, "get", "/posts/{post_id}")
    request = read.example("https://api.example.com/", accept="application/vnd.blog.v2+json")
    assert request.url == "https://api.example.com/posts/42"
    # Optional parameters are sent only when they state an example.
    assert request.query == (("fields", "id,title"), ("tag", "a"), ("tag", "b"))
    assert request.headers == (
        ("Accept", "application/vnd.blog.v2+json"),
        ("Authorization", "Bearer YOUR_ACCESS_TOKEN"),
    )
    header = next(p for p in read.parameters if p.location == "header")
    assert (header.name, header.required, header.show) == ("x-request-id", False, False)
    assert read.anchor == "op-read_post_posts__post_id__get"


def test_post_json_body_and_api_key() -> None:
    document = read_document(small_api().openapi())
    create = operation(document.operations, "post", "/posts")
    assert create.summary == "Create a post"
    assert create.tags == ("posts",)
    assert create.body is not None
    assert create.body.kind == "json"
    assert create.body_required
    assert create.body.value == {
        "title": "Hello world",
        "body": "First paragraph.",
        "contact": "ada@example.com",
    }
    request = create.example("http://testserver")
    assert request.headers == (("X-API-Key", "YOUR_API_KEY"),)
    assert ("Content-Type", "application/json") in request.all_headers()


def test_multipart_basic_oauth_and_query_keys() -> None:
    document = read_document(small_api().openapi())
    upload = operation(document.operations, "post", "/upload")
    assert upload.body is not None
    assert upload.body.kind == "multipart"
    assert upload.body.files == ("file",)
    assert upload.body.fields() == [("note", "string")]

    basic = operation(document.operations, "get", "/basic")
    assert basic.deprecated
    assert basic.example("http://h").headers == (
        ("Authorization", "Basic dXNlcm5hbWU6cGFzc3dvcmQ="),
    )

    # Security requirements are alternatives: the example shows the first, try-it all.
    oauth = operation(document.operations, "get", "/oauth")
    assert [scheme.key for scheme in oauth.accepted] == ["OAuth2PasswordBearer", "APIKeyQuery"]
    assert oauth.example("http://h").headers == (("Authorization", "Bearer YOUR_ACCESS_TOKEN"),)
    assert oauth.example("http://h").query == ()
    assert {scheme.kind for scheme in document.schemes} == {"bearer", "apiKey", "basic"}


def test_groups_and_hostile_documents() -> None:
    document = read_document(small_api().openapi())
    assert [tag for tag, _ in document.by_tag()] == ["posts", "Other"]
    hostile = read_document(
        {
            "openapi": "3.1.0",
            "info": {},
            "paths": {
                "/x/{id}": {
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "schema": {"type": "string", "example": "a/b c"},
                        }
                    ],
                    "get": {
                        "tags": "not-a-list",
                        "parameters": [
                            "junk",
                            {"name": 3, "in": "query"},
                            {"name": "k", "in": "body"},
                        ],
                    },
                    "post": "not an operation",
                },
                "/y": "junk",
            },
            "components": {"securitySchemes": {"weird": {"type": "mutualTLS"}, "bad": "junk"}},
            "security": [{}, {"weird": []}],
        }
    )
    assert hostile.title == "API"
    assert read_document({"info": "x", "components": [], "paths": []}).operations == ()
    (only,) = hostile.operations
    assert only.example("http://h").url == "http://h/x/a%2Fb%20c"
    assert only.security == ()
    assert only.tags == ()
