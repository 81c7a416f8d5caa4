"""The search bar of long lists: ``search_args()`` reads ``?q=&org=`` into a form, the search text and the chosen
unit (one of the viewer's units, below ``root`` when given); ``contest.services.search`` turns them into SQL."""

from __future__ import annotations

from collections.abc import Callable

from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from contest.forms import ListSearchForm
from contest.models import Organisation
from contest.services import orgs as org_service
from contest.services.search import clean


def search_args(root: Organisation | None = None) -> tuple[ListSearchForm, str, Organisation | None]:
    form = ListSearchForm(request.args)
    orgs = org_service.subtree(current_user, root)
    base = orgs[0].depth if orgs else 0
    form.org.choices = [("", _("All units"))] + [(str(o.id), "　" * (o.depth - base) + o.name) for o in orgs]
    unit = next((o for o in orgs if str(o.id) == form.org.data), None)
    return form, clean(form.q.data), unit


def paged(fetch: Callable[[int, int], tuple[list, int]], per_page: int | None = None):
    """The ``?page=`` of a list a service pages in SQL itself: ``fetch(page, per_page)`` returns the page's items
    and the number of items in all (result rankings and draws, whose lines are not plain rows)."""
    from flask import current_app

    from contest.web import Page, page_number

    number, size = page_number(), per_page or current_app.config["PER_PAGE"]
    items, total = fetch(number, size)
    return Page(items, total, number, size)


def paginate_list(items: list, per_page: int | None = None):
    """The ``?page=`` of a list already in memory (the unit tree, which is ordered in Python)."""
    from flask import current_app

    from contest.web import Page, page_number

    number = page_number()
    size = per_page or current_app.config["PER_PAGE"]
    return Page(items[(number - 1) * size:number * size], len(items), number, size)
