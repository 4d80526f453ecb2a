"""Finding one field (the CSRF token) in a form body as it streams in, without keeping it.

:class:`FieldSearch` feeds body chunks to python-multipart's streaming parsers
(``application/x-www-form-urlencoded`` and ``multipart/form-data``) and stops as soon as
the named field is complete, so a large upload whose token comes first (as the form macros
emit it) is not read further. File parts are skipped; malformed bodies simply yield no token.
"""

from __future__ import annotations

from urllib.parse import unquote_plus

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import (
    MultipartParser,
    QuerystringParser,
    parse_options_header,
)

MAX_FIELD_BYTES = 4096
FORM_TYPES = {b"application/x-www-form-urlencoded", b"multipart/form-data"}


def is_form(content_type: bytes) -> bool:
    """True for the two form encodings browsers submit (and we can search)."""
    return parse_options_header(content_type)[0].lower() in FORM_TYPES


class FieldSearch:
    """Looks for the first value of ``field`` in a form body fed chunk by chunk."""

    def __init__(self, content_type: bytes, field: str) -> None:
        self.field = field.encode()
        self.value: str | None = None
        self.failed = False
        self._name = bytearray()
        self._data = bytearray()
        self._header_name = bytearray()
        self._header_value = bytearray()
        self._collecting = False
        self._parser: MultipartParser | QuerystringParser | None = None
        mime, options = parse_options_header(content_type)
        if mime.lower() == b"multipart/form-data":
            boundary = options.get(b"boundary")
            if boundary:
                self._parser = MultipartParser(
                    boundary,
                    {
                        "on_part_begin": self._part_begin,
                        "on_header_field": self._header_field,
                        "on_header_value": self._header_value_data,
                        "on_header_end": self._header_end,
                        "on_part_data": self._data_chunk,
                        "on_part_end": self._field_end,
                    },
                )
        elif mime.lower() == b"application/x-www-form-urlencoded":
            self._parser = QuerystringParser(
                {
                    "on_field_start": self._part_begin,
                    "on_field_name": self._name_chunk,
                    "on_field_data": self._data_chunk,
                    "on_field_end": self._field_end,
                }
            )
        if self._parser is None:
            self.failed = True

    @property
    def done(self) -> bool:
        """True once the field was found or the body cannot be searched any further."""
        return self.value is not None or self.failed

    def feed(self, chunk: bytes) -> None:
        """Parse the next chunk of the body."""
        if self.done or self._parser is None or not chunk:
            return
        try:
            self._parser.write(chunk)
        except FormParserError:
            self.failed = True

    def finish(self) -> None:
        """The body ended: complete a trailing urlencoded field."""
        if self.done or self._parser is None:
            return
        try:
            self._parser.finalize()
        except FormParserError:
            self.failed = True
        if self.value is None:
            self.failed = True

    # -- parser callbacks -------------------------------------------------------------

    def _part_begin(self) -> None:
        self._name.clear()
        self._data.clear()
        self._collecting = False

    def _name_chunk(self, data: bytes, start: int, end: int) -> None:
        self._name += data[start:end]
        self._collecting = unquote_plus(self._name.decode("latin-1")).encode() == self.field

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _header_value_data(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        if bytes(self._header_name).lower() == b"content-disposition":
            _, options = parse_options_header(bytes(self._header_value))
            self._collecting = options.get(b"name") == self.field and b"filename" not in options
        self._header_name.clear()
        self._header_value.clear()

    def _data_chunk(self, data: bytes, start: int, end: int) -> None:
        if self._collecting:
            self._data += data[start:end]
            if len(self._data) > MAX_FIELD_BYTES:
                self.failed = True
                self._collecting = False

    def _field_end(self) -> None:
        if self._collecting and self.value is None:
            self.value = unquote_plus(self._data.decode("latin-1"))
        self._collecting = False
