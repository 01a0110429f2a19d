"""Stream a `multipart/form-data` upload straight to storage: the `file` part on disk, small fields in memory.

Starlette's form parser spools a whole file before the handler runs; parsing the body ourselves lets the
size cap stop an upload early and keeps at most one chunk in memory.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from clipper.clips.storage import PayloadTooLarge, limit_message
from clipper.errors import InvalidInput
from clipper.inputs import refuse_unstorable, text_problems

MAX_FIELD_BYTES = 64 * 1024
# The form has a file and a title: a few more parts are tolerated, thousands of tiny ones are not.
MAX_PARTS = 16
MAX_HEADER_BYTES = 8 * 1024
# Room for the part headers and the boundaries around the file.
MULTIPART_OVERHEAD = 64 * 1024


@dataclass
class Staged:
    """The uploaded file written to a temporary path, and the form's text fields."""

    path: Path
    filename: str | None = None
    size: int = 0
    sha256: str = ""
    fields: dict[str, str] = field(default_factory=dict)


class _Parts:
    """Collects python-multipart callbacks: which part we are in and the bytes it delivered."""

    def __init__(self) -> None:
        self.header_name, self.header_value = b"", b""
        self.headers: dict[bytes, bytes] = {}
        self.name: str | None = None
        self.filename: str | None = None
        self.pending: list[bytes] = []
        self.fields: dict[str, bytearray] = {}
        self.seen_file = False
        self.count = 0

    def callbacks(self) -> Any:
        return {
            "on_part_begin": self._begin,
            "on_header_field": lambda data, start, end: self._grow("header_name", data[start:end]),
            "on_header_value": lambda data, start, end: self._grow("header_value", data[start:end]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._data,
        }

    def _grow(self, attribute: str, data: bytes) -> None:
        grown = getattr(self, attribute) + data
        if len(grown) > MAX_HEADER_BYTES:
            raise PayloadTooLarge(f"A part header of the form is longer than {MAX_HEADER_BYTES:,} bytes.")
        setattr(self, attribute, grown)

    def _begin(self) -> None:
        self.count += 1
        if self.count > MAX_PARTS:
            raise PayloadTooLarge(f"The form has more than {MAX_PARTS} parts: send the file and its title.")
        self.headers, self.name, self.filename = {}, None, None

    def _header_end(self) -> None:
        self.headers[self.header_name.lower()] = self.header_value
        self.header_name, self.header_value = b"", b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        self.name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        if self.name == "file" and not self.seen_file:
            self.seen_file = True
            self.filename = filename.decode("utf-8", "replace") if filename is not None else ""
        elif self.name:
            self.fields.setdefault(self.name, bytearray())

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self.filename is not None:
            self.pending.append(bytes(data[start:end]))
        elif self.name:
            buffer = self.fields[self.name]
            if len(buffer) + end - start > MAX_FIELD_BYTES:
                raise PayloadTooLarge(
                    f"The form field '{self.name}' is longer than {MAX_FIELD_BYTES:,} bytes."
                )
            buffer.extend(data[start:end])


def _boundary(content_type: str) -> bytes:
    kind, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise InvalidInput("Send the file as multipart/form-data with a 'file' part.")
    return boundary


async def stage_upload(
    body: AsyncIterator[bytes], *, content_type: str, target: Path, max_bytes: int
) -> Staged:
    """Write the `file` part of a multipart body to `target`; PayloadTooLarge past `max_bytes`."""
    parts = _Parts()
    parser = MultipartParser(_boundary(content_type), parts.callbacks())
    digest, staged = hashlib.sha256(), Staged(target)
    await asyncio.to_thread(target.parent.mkdir, parents=True, exist_ok=True)
    handle = await asyncio.to_thread(target.open, "wb")
    try:
        async for chunk in body:
            parser.write(chunk)
            for piece in parts.pending:
                staged.size += len(piece)
                if staged.size > max_bytes:
                    raise PayloadTooLarge(limit_message(max_bytes))
                digest.update(piece)
                await asyncio.to_thread(handle.write, piece)
            parts.pending.clear()
        parser.finalize()
    except FormParserError:
        await asyncio.to_thread(handle.close)
        target.unlink(missing_ok=True)
        raise InvalidInput("The multipart body is malformed.") from None
    except BaseException:
        await asyncio.to_thread(handle.close)
        target.unlink(missing_ok=True)
        raise
    await asyncio.to_thread(handle.close)
    if not parts.seen_file or staged.size == 0:
        target.unlink(missing_ok=True)
        raise InvalidInput("The form has no file (or an empty one): send it in a part named 'file'.")
    staged.filename, staged.sha256 = parts.filename, digest.hexdigest()
    staged.fields = {name: bytes(value).decode("utf-8", "replace") for name, value in parts.fields.items()}
    try:
        refuse_unstorable(list(text_problems(staged.fields, "form")))
    except InvalidInput:
        target.unlink(missing_ok=True)
        raise
    return staged
