"""Rules that must never break are backed by the schema itself (run on SQLite and PostgreSQL)."""

import pytest
from sqlalchemy.exc import IntegrityError

from contest.extensions import db
from contest.models import Gender, Organisation, OrgLevel, WorkerProfile
from tests.factories import make_user


@pytest.mark.db
def test_sibling_names_are_unique(world):
    db.session.add(Organisation(name="柯城电力", level=OrgLevel.ENTERPRISE, parent_id=world.orgs["county_a"].id,
                                path="/999/", position=9))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


@pytest.mark.db
def test_resident_id_is_stored_once(world):
    other = make_user("other", world.orgs["team_a"], set(), world.users["worker"].password_hash)
    db.session.add(WorkerProfile(user_id=other.id, gender=Gender.MALE, resident_id=world.users["worker"].profile.resident_id,
                                 occupation="电工"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


@pytest.mark.db
def test_level_and_path_shape_are_checked(world):
    db.session.add(Organisation(name="x", level=OrgLevel.TEAM, parent_id=None, path="bad", position=1))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
