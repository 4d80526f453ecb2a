"""JSON API sections: versioning and problem types."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Literal

from pydantic import Field, field_validator, model_validator

from shipyard.config.sections.base import Section

API_VERSION_PATTERN = r"^[0-9a-z][0-9a-z._-]{0,31}$"
"""An API version token: lowercase letters, digits, ``.``, ``_``, ``-`` (``2``, ``2024-06-01``)."""


def _utc(value: object) -> object:
    """TOML dates (midnight) and naive datetimes are read as UTC."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, time(), tzinfo=UTC)
    return value


class DeprecationPolicy(Section):
    """How a deprecated API version is announced (RFC 9745 and RFC 8594 headers)."""

    since: datetime = Field(description="Deprecated since (the `Deprecation` header date).")
    sunset: datetime | None = Field(
        default=None, description="When the version stops answering (the `Sunset` header)."
    )
    successor: str | None = Field(
        default=None, description="The version to move to (`Link: rel=successor-version`)."
    )
    link: str | None = Field(
        default=None, description="A page explaining the deprecation (`Link: rel=deprecation`)."
    )

    @field_validator("since", "sunset", mode="before")
    @classmethod
    def _date_as_datetime(cls, value: object) -> object:
        return _utc(value)

    @field_validator("since", "sunset")
    @classmethod
    def _naive_as_utc(cls, value: datetime | None) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value

    @model_validator(mode="after")
    def _sunset_after_since(self) -> DeprecationPolicy:
        if self.sunset is not None and self.sunset < self.since:
            raise ValueError("sunset must not be earlier than since")
        return self


class ApiSettings(Section):
    """JSON API versioning and problem types (see docs/api-versioning.md)."""

    vendor: str = Field(
        default="shipyard",
        pattern=r"^[a-z0-9][a-z0-9-]{0,63}$",
        description="The `<vendor>` of `application/vnd.<vendor>.v2+json`.",
    )
    versions: list[str] = Field(
        default_factory=lambda: ["1"], min_length=1, description="Known versions, oldest first."
    )
    default_version: str = Field(
        default="1", description="Served when the request names no version."
    )
    deprecated: dict[str, DeprecationPolicy] = Field(
        default_factory=dict, description="Deprecated versions and how to announce them."
    )
    mode: Literal["header", "path", "both"] = Field(
        default="header", description="Version from `Accept`, from a `/v2/` URL prefix, or both."
    )
    path_prefix: str = Field(
        default="",
        pattern=r"^(/[A-Za-z0-9._~-]+)*$",
        description="Where the `/v<n>` segment goes in path mode: `/api` serves the route "
        "`/api/ships` at `/api/v2/ships`; empty: at the front (`/v2/api/ships`).",
    )
    openapi_url: str | None = Field(
        default="/openapi/v{version}.json",
        pattern=r"^/.*\{version\}.*$",
        description="Per-version OpenAPI documents (ApiVersioning extension); null: none.",
    )
    problem_base_uri: str = Field(
        default="/problems/",
        pattern=r"^(https?://[^\s?#]+/|/([^\s?#/]+/)*)$",
        description="Base of the problem `type` URIs, ending with `/`: a path the app "
        "serves (each type's page, the default) or your own documentation's URL.",
    )
    error_format: Literal["problem", "fastapi"] = Field(
        default="problem",
        description="JSON error bodies: RFC 9457 problem details, or FastAPI's "
        '`{"detail": ...}` for clients written against a plain FastAPI app.',
    )

    @field_validator("versions")
    @classmethod
    def _version_tokens(cls, value: list[str]) -> list[str]:
        for version in value:
            if not re.match(API_VERSION_PATTERN, version):
                raise ValueError(
                    f"api.versions: {version!r} is not a version token "
                    "(lowercase letters, digits, '.', '_', '-'; e.g. \"2\")"
                )
        if len(set(value)) != len(value):
            raise ValueError("api.versions: every version must be listed once")
        return value

    @model_validator(mode="after")
    def _known_versions(self) -> ApiSettings:
        known = set(self.versions)
        if self.default_version not in known:
            raise ValueError(
                f"api.default_version {self.default_version!r} is not in api.versions "
                f"{self.versions}"
            )
        for version, policy in self.deprecated.items():
            if version not in known:
                raise ValueError(f"api.deprecated: {version!r} is not in api.versions")
            if policy.successor is not None and (
                policy.successor not in known or policy.successor == version
            ):
                raise ValueError(
                    f"api.deprecated.{version}.successor must be another of {self.versions}"
                )
        return self
