"""List pages run a constant number of queries as data grows (no N+1)."""

import pytest
from sqlalchemy import event

from contest.extensions import db
from contest.models import Role
from contest.services import registration
from tests.contest_factories import make_contest
from tests.factories import make_user


class Counter:
    def __init__(self):
        self.count = 0

    def __call__(self, *args):
        self.count += 1


def queries(client, url: str) -> int:
    counter = Counter()
    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        response = client.get(url)
        assert response.status_code == 200, url
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)
    return counter.count


def grow(world, contest, n: int) -> None:
    pw = world.users["worker"].password_hash
    start = len(world.users)
    for i in range(n):
        team = world.orgs["team_a" if i % 2 else "team_b"]
        user = make_user(f"grow{start}_{i}", team, {Role.WORKER}, pw, name=f"职工{start}{i}")
        world.users[user.username] = user
    db.session.commit()
    for username, user in list(world.users.items()):
        if username.startswith(f"grow{start}_"):
            registration.nominate(user, contest.events[0].id, [user.id])  # waits for the team


@pytest.mark.parametrize(
    "url",
    ["/orgs/", "/people/", "/contests/", "/events/{event}/nominations", "/nominations/waiting?scope=below", "/contests/{contest}",
     "/events/{event}/quotas"],
)
def test_list_pages_run_a_constant_number_of_queries(world, client, login_as, url):
    contest = make_contest(world.users["city"])
    url = url.format(event=contest.events[0].id, contest=contest.id)
    login_as("city")
    grow(world, contest, 3)
    small = queries(client, url)
    grow(world, contest, 12)
    assert queries(client, url) == small


def test_the_bracket_page_runs_the_same_queries_for_4_and_32_entrants(world, client, login_as):
    from contest.models import User
    from contest.services import brackets
    from tests.bracket_factories import bracket_event

    counts = []
    login_as("city")
    for size, name in ((4, "乒乓球"), (32, "羽毛球")):
        if size == 32:  # bracket_event names its workers p001…; make room for a second field
            for user in db.session.scalars(db.select(User).where(User.username.like("p0%"))):
                user.username = f"old-{user.username}"
            db.session.commit()
        scene = bracket_event(world, "single_elimination", size, name=name)
        brackets.generate(world.users["city"], scene.event.id, brackets.Setup())
        counts.append(queries(client, f"/brackets/events/{scene.event.id}"))
    assert counts[0] == counts[1]
