"""Static files for slow links: content-hashed names, a year of caching, gzip.

``url_for("static", filename="css/app.css")`` gives ``/static/css/app.3f2a1b9c0d.css`` — the first ten hex
digits of the file's SHA-256 — so a page names exactly the version it was built with, and the browser keeps
that file for a year without asking again (``immutable``): a changed file gets a new name. The un-hashed name
still works (for anything that links it by hand) but is revalidated every time. Text files are gzipped once
per content and served compressed to browsers that accept it (``Vary: Accept-Encoding``).

Hashes and compressed bodies are computed on first use and kept per process, keyed by path, size and
modification time, so an edited file is picked up without a restart and start-up stays instant.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
import re
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, abort, current_app, request

HASH_LENGTH = 10
YEAR = 365 * 24 * 3600
COMPRESSIBLE = {".css", ".js", ".svg", ".json", ".txt", ".map", ".html"}
_HASHED = re.compile(rf"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{{{HASH_LENGTH}}})(?P<ext>\.[A-Za-z0-9]+)$")


@dataclass(frozen=True)
class Asset:
    digest: str
    body: bytes
    gzipped: bytes | None
    mimetype: str


_cache: dict[tuple[str, int, int], Asset] = {}


def _load(path: Path) -> Asset:
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    asset = _cache.get(key)
    if asset is None:
        body = path.read_bytes()
        digest = hashlib.sha256(body).hexdigest()[:HASH_LENGTH]
        gzipped = None
        if path.suffix in COMPRESSIBLE and len(body) > 512:
            packed = gzip.compress(body, compresslevel=9, mtime=0)
            gzipped = packed if len(packed) < len(body) else None
        mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        asset = _cache[key] = Asset(digest, body, gzipped, mimetype)
    return asset


def _file(filename: str) -> Path | None:
    root = Path(current_app.static_folder).resolve()
    path = (root / filename).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


def hashed_name(filename: str) -> str:
    """``css/app.css`` → ``css/app.<digest>.css`` (the name unchanged for a file that does not exist)."""
    path = _file(filename)
    if path is None:
        return filename
    stem, ext = os.path.splitext(filename)
    return f"{stem}.{_load(path).digest}{ext}"


def static_files(*names: str) -> list[str]:
    """Hashed URLs of the given static files (for the service worker's precache list)."""
    from flask import url_for

    return [url_for("static", filename=name) for name in names]


def version(*names: str) -> str:
    """One digest over the given files: changes when any of them changes."""
    digests = "".join(_load(p).digest for p in (_file(n) for n in names) if p is not None)
    return hashlib.sha256(digests.encode()).hexdigest()[:HASH_LENGTH]


def serve_static(filename: str) -> Response:
    """The static view: hashed names are cached for a year, plain names revalidated; gzip when accepted."""
    match = _HASHED.match(filename)
    path, immutable = None, False
    if match:
        plain = match["stem"] + match["ext"]
        path = _file(plain)
        immutable = path is not None and _load(path).digest == match["digest"]
    if path is None:
        path = _file(filename)
    if path is None:
        abort(404)
    asset = _load(path)
    etag = f'"{asset.digest}"'
    response = Response(mimetype=asset.mimetype)
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable" if immutable else "no-cache"
    if etag in request.headers.get("If-None-Match", ""):
        response.status_code = 304
        return response
    if asset.gzipped is not None and "gzip" in request.headers.get("Accept-Encoding", ""):
        response.set_data(asset.gzipped)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response.set_data(asset.body)
    if asset.mimetype.startswith("text/") or asset.mimetype in ("application/javascript", "application/json"):
        response.charset = "utf-8"
    return response


def register(app: Flask) -> None:
    """Hashed names from ``url_for("static")`` and the caching static view."""

    @app.url_defaults
    def _hash_static(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and not _HASHED.match(values["filename"]):
            values["filename"] = hashed_name(values["filename"])

    app.view_functions["static"] = serve_static
