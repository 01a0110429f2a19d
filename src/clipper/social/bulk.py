"""A bulk upload read into rows: a JSON array, or a CSV body or file (`service.create_bulk` then validates
every row first and creates all or nothing)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from fastapi import Request
from pydantic import ValidationError
from starlette.exceptions import HTTPException

from clipper.clips.storage import PayloadTooLarge
from clipper.clips.upload import MAX_FIELD_BYTES, MAX_PARTS
from clipper.errors import InvalidInput
from clipper.inputs import refuse_unstorable, text_problems
from clipper.social.schemas import RowProblem

MAX_ROWS = 1000
# Starlette's words when a form passes the limits `request.form` is given.
_FORM_LIMIT_MESSAGES = ("Too many files", "Too many fields", "Part exceeded maximum size")
_LIST_COLUMNS = ("hashtags", "clip_ids", "account_ids", "collaborators")
_OPTION_COLUMNS = (
    "share_to_feed",
    "cover_clip_id",
    "thumb_offset_ms",
    "location_id",
    "alt_text",
    "first_comment",
    "trial_graduation",
    "collaborators",
    "user_tags",
)


class BulkInvalid(InvalidInput):
    """Some rows are invalid; `rows` says what is wrong with each."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        super().__init__(
            f"{len(problems)} row(s) are invalid; nothing was created. Fix them and upload again."
        )

    def body(self) -> dict[str, Any]:
        return {**super().body(), "rows": [problem.model_dump() for problem in self.problems]}


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace(";", ",").replace(" ", ",").split(",") if part.strip()]


def csv_row(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row as a PostCreate dict: lists split on commas/spaces, option columns nested."""
    data: dict[str, Any] = {}
    options: dict[str, Any] = {}
    for key, raw in row.items():
        value = (raw or "").strip()
        if not key or not value:
            continue
        parsed: Any = _split(value) if key in _LIST_COLUMNS else value
        if key == "user_tags" or key == "options":
            parsed = json.loads(value)
        if key == "options":
            if not isinstance(parsed, dict):
                raise InvalidInput("The CSV column 'options' must hold a JSON object.")
            options.update(parsed)
        elif key in _OPTION_COLUMNS:
            options[key] = parsed
        else:
            data[key] = parsed
    if options:
        data["options"] = options
    return data


async def read_rows(request: Request) -> list[dict[str, Any]]:
    """The rows of the upload: a JSON array body, or a CSV body / multipart `file`."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        return _rows_from_csv(await _csv_from_form(request))
    body = _utf8(await request.body())
    if "csv" in content_type:
        return _rows_from_csv(body)
    try:
        rows = json.loads(body)
    except json.JSONDecodeError:
        raise InvalidInput("Send a JSON array of posts, or a CSV file (text/csv).") from None
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise InvalidInput("Send a JSON array of post objects.")
    return _limited(rows)


async def _csv_from_form(request: Request) -> str:
    """The form's `file` field; a form of more files, fields or field bytes than it needs is a 413."""
    try:
        form = await request.form(max_files=1, max_fields=MAX_PARTS, max_part_size=MAX_FIELD_BYTES)
    except HTTPException as exc:
        if str(exc.detail).startswith(_FORM_LIMIT_MESSAGES):
            raise PayloadTooLarge(f"The bulk upload form is too large: {exc.detail}") from None
        raise
    try:
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise InvalidInput("Attach the CSV file as the form field 'file'.")
        return _utf8(await upload.read())
    finally:
        await form.close()  # the spooled temporary files


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(
            "The upload is not UTF-8 text: save the CSV as UTF-8 and upload it again."
        ) from None


def _rows_from_csv(text: str) -> list[dict[str, Any]]:
    reader = csv.DictReader(io.StringIO(text))
    try:
        return _limited([csv_row(_fitting(row, number)) for number, row in enumerate(reader, start=1)])
    except (json.JSONDecodeError, csv.Error) as error:
        raise InvalidInput(f"The CSV could not be read: {error}.") from None


def _fitting(row: dict[str | None, Any], number: int) -> dict[str, str]:
    """The row, unless it has more fields than the header has columns (DictReader keys those as None)."""
    if None in row:
        raise InvalidInput(
            f"Row {number} of the CSV has more fields than the header has columns: quote values that "
            "contain commas, or add the missing column names."
        )
    return {key: value for key, value in row.items() if key is not None}


def _limited(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not rows:
        raise InvalidInput("The upload has no rows.")
    if len(rows) > MAX_ROWS:
        raise InvalidInput(f"At most {MAX_ROWS} rows per upload.")
    # The app-wide edge check only sees bodies FastAPI parsed: this route reads its own.
    refuse_unstorable(list(text_problems(rows, "body")))
    return rows


def schema_reasons(error: ValidationError) -> list[str]:
    """What a row's schema check found, one line per field."""
    return [f"{'.'.join(str(p) for p in e['loc']) or 'row'}: {e['msg']}" for e in error.errors()]
