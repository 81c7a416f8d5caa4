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
