"""Uploaded files stored by content: announcement attachments, contest rules documents (``services.portal``) and
self-assessment evidence (``services.assessments``).

A file is written once under its SHA-256 digest, ``<dir>/<first two hex digits>/<digest>``, in the folder
``ATTACHMENTS_DIR`` (default ``instance/attachments``: outside the web root; nothing under it is served except
through a view that checks who asks). Writing is atomic (``write_whole``: a ``.part`` file renamed into place) and idempotent (equal
contents share one file), so a row that names a digest never points at half a file. Rows own the name, type and
size; files are never deleted (another row may name the same digest).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app


@dataclass(frozen=True)
class Upload:
    """A file as the browser sent it: its name and its bytes (nothing checked yet)."""

    filename: str
    data: bytes


def directory() -> Path:
    """``ATTACHMENTS_DIR``, else ``instance/attachments`` (under testing: a folder in the system's temporary
    directory, so test runs leave nothing in the checkout)."""
    if current_app.config.get("ATTACHMENTS_DIR"):
        return Path(current_app.config["ATTACHMENTS_DIR"])
    if current_app.testing:
        return Path(tempfile.gettempdir()) / "contest-test-attachments"
    return Path(current_app.instance_path) / "attachments"


def path_of(digest: str) -> Path:
    """Where the file with this SHA-256 digest is (or would be) stored."""
    return directory() / digest[:2] / digest


def store(data: bytes) -> str:
    """Store ``data`` (once per content) and return its SHA-256 digest."""
    digest = hashlib.sha256(data).hexdigest()
    path = path_of(digest)
    if not path.exists():
        write_whole(path, data)
    return digest


def write_whole(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that no reader ever sees half of it: a temporary file of its own in the same
    folder (two writers of the same file never share one), readable by other users (nginx's workers), renamed
    into place; removed again if anything fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
