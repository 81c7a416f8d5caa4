"""entrants: workers, teams and units; certificates that name a unit

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 23:40:00

- ``events.kind`` takes ``unit`` (an event whose entrants are enterprises or teams);
- ``nominations.entrant_kind`` (worker | team | unit) and ``nominations.unit_id`` with a CHECK on the shape of
  each kind and one live entry per unit and event (a partial unique index); existing entries become teams when they have a team name and workers otherwise;
- ``certificates.user_id`` may be empty when ``certificates.org_id`` (a unit) holds the certificate (a CHECK:
  exactly one), a second partial unique index for units' live certificates, and room for a unit's name.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


ENTRANT_SHAPE = (
    "(entrant_kind = 'worker' AND team_name IS NULL AND unit_id IS NULL)"
    " OR (entrant_kind = 'team' AND team_name IS NOT NULL AND unit_id IS NULL)"
    " OR (entrant_kind = 'unit' AND team_name IS NULL AND unit_id IS NOT NULL)"
)
LIVE_UNIT = "unit_id IS NOT NULL AND status IN ('pending', 'confirmed')"


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_events_event_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_events_event_kind'), "kind IN ('individual', 'team', 'unit')")

    with op.batch_alter_table('nominations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('entrant_kind', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_nominations_unit_id_organisations'), 'organisations', ['unit_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_nominations_unit_id'), ['unit_id'], unique=False)
    op.execute("UPDATE nominations SET entrant_kind = CASE WHEN team_name IS NULL THEN 'worker' ELSE 'team' END")
    with op.batch_alter_table('nominations', schema=None) as batch_op:
        batch_op.alter_column('entrant_kind', existing_type=sa.String(length=20), nullable=False)
        batch_op.create_check_constraint(op.f('ck_nominations_entrant_kind'), "entrant_kind IN ('worker', 'team', 'unit')")
        batch_op.create_check_constraint(op.f('ck_nominations_entrant_shape'), ENTRANT_SHAPE)
        batch_op.create_index('uq_nominations_live_unit', ['event_id', 'unit_id'], unique=True,
                              sqlite_where=sa.text(LIVE_UNIT), postgresql_where=sa.text(LIVE_UNIT))

    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('org_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_certificates_org_id_organisations'), 'organisations', ['org_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_certificates_org_id'), ['org_id'], unique=False)
        batch_op.create_index('uq_certificates_live_unit', ['event_id', 'org_id', 'kind', 'label'], unique=True,
                              sqlite_where=sa.text('revoked_at IS NULL'), postgresql_where=sa.text('revoked_at IS NULL'))
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('holder_name', existing_type=sa.String(length=50), type_=sa.String(length=100), existing_nullable=False)
        batch_op.create_check_constraint(op.f('ck_certificates_one_holder'), "(user_id IS NULL) <> (org_id IS NULL)")


def downgrade():
    # Units as entrants and as certificate holders have no place in the older schema: they go.
    op.execute("DELETE FROM certificates WHERE org_id IS NOT NULL")
    op.execute("DELETE FROM nominations WHERE entrant_kind = 'unit'")
    op.execute("DELETE FROM events WHERE kind = 'unit'")
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_certificates_one_holder'), type_='check')
        batch_op.alter_column('holder_name', existing_type=sa.String(length=100), type_=sa.String(length=50), existing_nullable=False)
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_index('uq_certificates_live_unit', sqlite_where=sa.text('revoked_at IS NULL'), postgresql_where=sa.text('revoked_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_certificates_org_id'))
        batch_op.drop_constraint(op.f('fk_certificates_org_id_organisations'), type_='foreignkey')
        batch_op.drop_column('org_id')

    with op.batch_alter_table('nominations', schema=None) as batch_op:
        batch_op.drop_index('uq_nominations_live_unit', sqlite_where=sa.text(LIVE_UNIT), postgresql_where=sa.text(LIVE_UNIT))
        batch_op.drop_constraint(op.f('ck_nominations_entrant_shape'), type_='check')
        batch_op.drop_constraint(op.f('ck_nominations_entrant_kind'), type_='check')
        batch_op.drop_index(batch_op.f('ix_nominations_unit_id'))
        batch_op.drop_constraint(op.f('fk_nominations_unit_id_organisations'), type_='foreignkey')
        batch_op.drop_column('unit_id')
        batch_op.drop_column('entrant_kind')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_events_event_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_events_event_kind'), "kind IN ('individual', 'team')")
