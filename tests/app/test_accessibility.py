"""Accessibility (issue 15.5): every page of every role is walked (the GET routes of the route matrix); on each,
every form control has a label (``<label for>``, an enclosing ``<label>``, ``aria-label`` or ``aria-labelledby``),
every button and link says what it does, nothing is taken out of or reordered in the keyboard's tab order, and
things that act as buttons can be reached with the keyboard. Form errors appear next to their field, in Chinese,
and are tied to it for screen readers (``aria-invalid``, ``aria-describedby``)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from tests.app.test_route_matrix import MATRIX, matrix_client, template  # noqa: F401  (fixtures)

UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}
NATIVE_CONTROLS = {"button", "input", "select", "textarea", "summary"}  # and <a href>: focusable without a tabindex
VOID = {"input", "br", "img", "hr", "meta", "link", "source", "area", "base", "col", "embed", "param", "track", "wbr"}


class Walker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.label_for: set[str] = set()
        self.ids: set[str] = set()
        self.controls: list[tuple[str, dict, bool]] = []  # (tag, attrs, inside a <label>)
        self.problems: list[str] = []
        self.open_labels = 0
        self.named: list[tuple[str, dict, list[str]]] = []  # open buttons/links collecting their text

    def handle_starttag(self, tag, attrs_list):
        attrs = {k: (v or "") for k, v in attrs_list}
        if "id" in attrs:
            self.ids.add(attrs["id"])
        tabindex = attrs.get("tabindex")
        if tabindex and tabindex.lstrip("-").isdigit() and int(tabindex) > 0:
            self.problems.append(f"positive tabindex on <{tag} {attrs}>")
        native = (tag in NATIVE_CONTROLS and attrs.get("type") != "hidden") or (tag == "a" and "href" in attrs)
        if native and tabindex and tabindex.lstrip("-").isdigit() and int(tabindex) < 0:
            self.problems.append(f"<{tag}> taken out of the tab order (tabindex={tabindex}): {attrs}")
        if tag == "label":
            self.open_labels += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        if tag in ("input", "select", "textarea"):
            if not (tag == "input" and attrs.get("type", "text") in UNLABELLED_TYPES):
                self.controls.append((tag, attrs, self.open_labels > 0))
        if attrs.get("role") == "button" and tag not in ("button", "a", "input") and attrs.get("tabindex") != "0":
            self.problems.append(f"<{tag} role=button> cannot be reached with the keyboard: {attrs}")
        if tag == "a" and "href" not in attrs and attrs.get("role") == "button":
            self.problems.append(f"<a role=button> without href: {attrs}")
        if tag in ("button", "a"):
            self.named.append((tag, attrs, []))
        for _tag, _attrs, text in self.named:
            if tag == "img" and attrs.get("alt"):
                text.append(attrs["alt"])

    def handle_endtag(self, tag):
        if tag == "label":
            self.open_labels = max(0, self.open_labels - 1)
        if tag in ("button", "a") and self.named and self.named[-1][0] == tag:
            _tag, attrs, text = self.named.pop()
            if not ("".join(text).strip() or attrs.get("aria-label") or attrs.get("aria-labelledby") or attrs.get("title")):
                if tag == "button" or attrs.get("href"):
                    self.problems.append(f"<{tag}> without a name: {attrs}")

    def handle_data(self, data):
        for _tag, _attrs, text in self.named:
            text.append(data)

    def unlabelled(self) -> list[str]:
        missing = []
        for tag, attrs, in_label in self.controls:
            if in_label or attrs.get("aria-label", "").strip() or attrs.get("aria-labelledby"):
                continue
            if attrs.get("id") and attrs["id"] in self.label_for:
                continue
            missing.append(f"<{tag} name={attrs.get('name')!r} id={attrs.get('id')!r}>")
        return missing


def walk(html: str) -> Walker:
    walker = Walker()
    walker.feed(html)
    walker.close()
    return walker


# Who looks at each page: the first of these roles that may open it, and a team leader, the judge, the worker and
# an anonymous visitor wherever they may (their pages differ: review forms, the tablet, 我的参赛, the login page).
VIEWERS = ("admin", "city", "county_a", "ent_a", "team_a", "judge", "worker", "anonymous")


def _pages_for(role: str) -> list[str]:
    pages = []
    for endpoint, (method, _path, allowed) in sorted(MATRIX.items()):
        if method != "GET" or endpoint.startswith(("api.", "ops.", "offline.")) or role not in allowed:
            continue
        first = next(r for r in VIEWERS if r in allowed)
        if role == first or role in ("team_a", "judge", "worker", "anonymous"):
            pages.append(endpoint)
    return pages


@pytest.mark.parametrize("role", [r for r in VIEWERS if _pages_for(r)])
def test_every_control_is_labelled_and_reachable(role, matrix_client):  # noqa: F811
    client, world = matrix_client
    if role != "anonymous":
        assert client.post("/login", data={"username": world.users[role].username, "password": "Passw0rd!"}).status_code == 302
    problems = {}
    checked = 0
    for endpoint in _pages_for(role):
        path = MATRIX[endpoint][1](world)
        response = client.get(path)
        if response.status_code != 200 or not response.mimetype == "text/html":
            continue
        walker = walk(response.get_data(as_text=True))
        found = [f"unlabelled {c}" for c in walker.unlabelled()] + walker.problems
        checked += 1
        if found:
            problems[f"{endpoint} ({path})"] = found
    assert checked >= len(_pages_for(role)) // 2, (role, checked)  # most pages answered 200 with HTML
    assert problems == {}


def test_the_walker_finds_what_it_should():
    bad = walk('<form><input name="a"><select id="s"></select><span role="button">x</span><button></button>'
               '<input tabindex="2" aria-label="b"><a href="/x" tabindex="-1">x</a><button tabindex="-1">y</button>'
               '<select tabindex="-1" aria-label="c"></select></form>')
    assert len(bad.unlabelled()) == 2 and len(bad.problems) == 6
    good = walk('<label for="a">A</label><input id="a"><label>B <input name="b"></label><input aria-label="C">'
                '<input type="hidden" name="csrf"><button aria-label="关闭"></button><a href="/">首页</a>'
                '<div class="modal" tabindex="-1"></div><a tabindex="-1" id="anchor"></a><button tabindex="0">z</button>')
    assert good.unlabelled() == [] and good.problems == []


def test_errors_sit_next_to_their_field_in_chinese(world, client, login_as):
    login_as("city")
    answer = client.post("/people/new", data={"name": "", "username": "", "org_id": world.orgs["county_a"].id, "roles": ["worker"]})
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    walker = walk(html)
    assert walker.unlabelled() == []
    field = html.split('id="name"')[0].rsplit("<input", 1)[1] + 'id="name"' + html.split('id="name"')[1].split(">")[0]
    assert 'aria-invalid="true"' in field and 'aria-describedby="name-error"' in field
    error = html.split('id="name-error"')[1].split("</div>")[0]
    assert "请输入" in error  # the form's own message, in Chinese
    # WTForms' built-in messages are Chinese too
    long = client.post("/people/new", data={"name": "张" * 60, "username": "zhang60", "org_id": world.orgs["county_a"].id})
    message = long.get_data(as_text=True).split('id="name-error"')[1].split("</div>")[0]
    assert "字符" in message or "长度" in message, message
