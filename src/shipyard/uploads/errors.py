"""Why an upload was refused: :class:`UploadRefused`, an HTTP error with the field at fault.

It is an ``HTTPException`` so a plain route answers it as a problem-details response
(413 over a limit, 400 for a malformed body, 422 for a file that fails validation or
the virus scan, 503 when the scanner is down and the policy is to fail closed); a form
catches it and shows ``detail`` next to ``field`` with a 422 instead. A refusal that
leaves the request body unread closes the connection (``Connection: close``).
"""

from __future__ import annotations

from starlette.exceptions import HTTPException


class UploadRefused(HTTPException):
    """An upload that is refused, with a message for the person who sent it."""

    def __init__(
        self, status_code: int, detail: str, *, field: str | None = None, unread: bool = False
    ) -> None:
        headers = {"Connection": "close"} if unread else None
        super().__init__(status_code, detail, headers=headers)
        self.field = field
        self.unread = unread


def too_large(detail: str, *, field: str | None = None) -> UploadRefused:
    """A 413 raised while the body is still coming in."""
    return UploadRefused(413, detail, field=field, unread=True)


def malformed(detail: str) -> UploadRefused:
    """A 400 for a body that is not valid multipart."""
    return UploadRefused(400, f"The upload could not be read: {detail}", unread=True)
