"""Small helpers for views: file downloads with RFC 6266 (UTF-8) file names, pagination, a page cache."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from io import BytesIO
from urllib.parse import urlsplit

from flask import current_app, request, send_file, url_for
from sqlalchemy import Select, func, select

from contest.clock import today
from contest.extensions import db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_name(*parts: str, ext: str) -> str:
    """``单位-柯城区-2026-11-25.xlsx``: readable Chinese names, dated."""
    return "-".join([*(p for p in parts if p), today().isoformat()]) + f".{ext}"


def send_xlsx(data: bytes, filename: str):
    # send_file writes both filename= (ASCII fallback) and filename*=UTF-8'' (RFC 6266/5987).
    return send_file(BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=filename)


@dataclass(frozen=True)
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def page_number() -> int:
    """The ``?page=`` asked for (1 when missing or not a number)."""
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


def paginate(query: Select, per_page: int | None = None) -> Page:
    """The ``?page=`` of ``query``: one count query and one page query, whatever the number of rows."""
    return paginate_select(query, page_number(), per_page or current_app.config["PER_PAGE"])


def paginate_select(query: Select, page: int, per_page: int) -> Page:
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).unique())
    return Page(items, total, page, per_page)


def post_action(action: Callable[[], object], success: str | Callable[[object], str], target: str):
    """The body of a POST button: run ``action``; flash its refusal, or ``success`` (a message, or a function
    of the action's result); redirect to ``target``. CSRF is checked for every POST by Flask-WTF already."""
    from flask import flash, redirect

    from contest.domain.errors import DomainError
    from contest.i18n import translate

    try:
        result = action()
    except DomainError as exc:
        flash(translate(exc), "danger")
    else:
        flash(success(result) if callable(success) else success, "success")
    return redirect(target)


class PageCache:
    """Rendered pages, per process, for at most ``seconds``: for pages that are the same for every anonymous
    visitor (the public results page). The key must hold everything the page depends on (data state, locale,
    path); a page for a logged-in user, or one carrying flashed messages, is never cached (see the caller)."""

    def __init__(self, seconds: float, max_entries: int = 256) -> None:
        self.seconds, self.max_entries = seconds, max_entries
        self._pages: dict[Hashable, tuple[float, str]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> str | None:
        hit = self._pages.get(key)
        if hit is None or time.monotonic() - hit[0] >= self.seconds:
            return None
        return hit[1]

    def put(self, key: Hashable, page: str) -> None:
        if self.seconds <= 0:  # caching turned off
            return
        with self._lock:
            if len(self._pages) >= self.max_entries:
                self._pages.clear()
            self._pages[key] = (time.monotonic(), page)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()


def safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed (after login, after an action that came from a list)."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("home.index")
