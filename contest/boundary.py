"""Input hygiene at the web boundary: what reaches views, forms and services is text a database can store and
a spreadsheet, PDF or XML file can carry.

* **Forms and query strings** are normalised: control characters other than tab, line feed and carriage
  return (NUL, BEL, ESC, vertical tab from Word, DEL …) are removed from every key and value before any view
  or form sees them (:class:`CleanMultiDict` is the request's ``parameter_storage_class``). PostgreSQL
  refuses NUL in text outright and no export format can hold the others; nobody types them on purpose.
* **JSON bodies** are refused rather than edited, since a program sent them: nesting deeper than
  :data:`MAX_JSON_DEPTH` is malformed JSON (400, like any unreadable body; the parser would otherwise hit
  Python's recursion limit), and a string containing one of those control characters answers 422 with a
  message saying so (:class:`InputRefused`).
* **Path segments** (``/verify/<code>``) with control characters match nothing: 404.

Uploaded files are checked by ``contest.uploads``; exports clean stored text again (``contest.documents.xlsx``).
"""

from __future__ import annotations

import re

from flask import Flask, abort
from flask import Request as FlaskRequest
from flask_babel import gettext
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.exceptions import HTTPException

__all__ = ["CONTROL_CHARACTERS", "MAX_JSON_DEPTH", "CleanMultiDict", "InputRefused", "Request", "clean_text", "register"]

#: C0 controls except tab, LF and CR, and DEL.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_JSON_DEPTH = 32
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(rb"[\[\]{}]")


def clean_text(text: str) -> str:
    """``text`` without control characters (tab, LF and CR are kept)."""
    return CONTROL_CHARACTERS.sub("", text)


class InputRefused(HTTPException):
    """422: the request carries text that cannot be stored; ``description`` is the user's message."""

    code = 422


class CleanMultiDict(ImmutableMultiDict):
    """The request's form and query arguments, with control characters removed from keys and text values
    (uploaded files pass untouched)."""

    def __init__(self, mapping=None):
        if mapping is None:
            super().__init__()
            return
        items = MultiDict(mapping).items(multi=True)
        super().__init__([(clean_text(k) if isinstance(k, str) else k, clean_text(v) if isinstance(v, str) else v)
                          for k, v in items])


def json_depth(data: bytes) -> int:
    """The deepest nesting of arrays and objects in a JSON text (strings skipped; no parsing)."""
    depth = deepest = 0
    for match in _JSON_BRACKET.finditer(_JSON_STRING.sub(b'""', data)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _has_control(value, depth: int = 0) -> bool:
    if isinstance(value, str):
        return CONTROL_CHARACTERS.search(value) is not None
    if isinstance(value, dict):
        return any(_has_control(k) or _has_control(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_control(v, depth + 1) for v in value)
    return False


class Request(FlaskRequest):
    parameter_storage_class = CleanMultiDict

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True):
        if (force or self.is_json) and json_depth(self.get_data(cache=True)) > MAX_JSON_DEPTH:
            if silent:
                return None
            abort(400)
        value = super().get_json(force=force, silent=silent, cache=cache)
        if _has_control(value):
            raise InputRefused(gettext("Text may not contain control characters (such as NUL or BEL); remove them and send again."))
        return value


def register(app: Flask) -> None:
    app.request_class = Request

    @app.before_request
    def refuse_control_characters_in_the_path():
        from flask import request

        if any(isinstance(v, str) and CONTROL_CHARACTERS.search(v) for v in (request.view_args or {}).values()):
            abort(404)
