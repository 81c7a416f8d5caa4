"""The public results page of an anonymous visitor is cached for a few seconds (issue 18 item 7), keyed by what
it shows: a change of state, of the stored ranking or of the objections shows at once; logged-in pages are
never cached."""

from contest.domain.contests import ContestStatus
from contest.extensions import db
from contest.services import results
from tests.app.test_results import scored  # noqa: F401  (fixture)


def published(world, scored):  # noqa: F811
    run, _plan = scored
    city = world.users["city"]
    results.compute_results(city, run.event.id)
    results.publish(city, run.event.contest.id)
    return run


def test_anonymous_page_is_cached_and_follows_changes(world, scored, client, app):  # noqa: F811
    run = published(world, scored)
    path = f"/public/results/{run.event.id}"
    first = client.get(path)
    assert first.status_code == 200
    assert len(app.extensions["contest.public_pages"]._pages) == 1
    assert client.get(path).text == first.text  # served from the cache

    results.file_objection(world.users["worker"], run.event.id, "第三名的实操分有误")  # the summary changes
    after_objection = client.get(path).text
    assert after_objection != first.text

    run.event.contest.status = ContestStatus.FINAL
    db.session.commit()
    final = client.get(path).text
    assert final != after_objection and len(app.extensions["contest.public_pages"]._pages) == 3



def test_logged_in_pages_are_not_cached(world, scored, client, login_as):  # noqa: F811
    run = published(world, scored)
    path = f"/public/results/{run.event.id}"
    anonymous = client.get(path).text
    login_as("worker")
    mine = client.get(path).text
    assert mine != anonymous and world.users["worker"].name in mine
    client.post("/logout")
    assert "您已退出登录" in client.get(path).text  # a page with a flashed message is drawn, not cached
    assert client.get(path).text == anonymous


def test_anonymous_page_tells_a_shared_cache_how_long_and_revalidates(world, scored, client, login_as):  # noqa: F811
    """What nginx's ``proxy_cache`` needs (deploy/nginx/contest.conf): an anonymous page says ``public`` with the
    validity of the app's own cache, carries an ETag of its bytes (304 when current) and ``Vary: Cookie`` (the
    language is a cookie); a logged-in page is ``no-store``."""
    run = published(world, scored)
    path = f"/public/results/{run.event.id}"
    first = client.get(path)  # drawn now (not from the app's cache), and already shareable: no session written
    assert first.headers["Cache-Control"] == "public, no-cache"  # browsers revalidate; nginx keeps it for:
    assert first.headers["X-Accel-Expires"] == str(int(results.PUBLIC_CACHE_SECONDS))
    assert "Cookie" in first.headers["Vary"] and "Set-Cookie" not in first.headers
    etag = first.headers["ETag"]
    assert etag.startswith('"')
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    client.set_cookie("locale", "en")
    english = client.get(path)
    assert english.headers["ETag"] != etag and english.headers["Cache-Control"].startswith("public")
    client.delete_cookie("locale")

    results.file_objection(world.users["worker"], run.event.id, "第三名的实操分有误")
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 200  # a change: the new page at once

    login_as("worker")
    mine = client.get(path)
    assert mine.headers["Cache-Control"] == "no-store" and "ETag" not in mine.headers


def test_a_zero_cache_lifetime_turns_the_caching_off(world, scored, client, app):  # noqa: F811
    """``PUBLIC_CACHE_SECONDS = 0`` (bench/portal.py's uncached run): neither the page nor the ranking is kept,
    and nothing tells a shared cache to keep the page."""
    run = published(world, scored)
    app.config["PUBLIC_CACHE_SECONDS"] = 0
    path = f"/public/results/{run.event.id}"
    first = client.get(path)
    assert first.status_code == 200 and client.get(path).text == first.text
    assert "X-Accel-Expires" not in first.headers
    assert not app.extensions.get("contest.public_pages", None) or not app.extensions["contest.public_pages"]._pages
    assert not app.extensions.get("contest.public_results")
