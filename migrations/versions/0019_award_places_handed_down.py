"""award places handed down (名额下达): places per award tier given by the host to each child unit

Revision ID: 0019
Revises: 0017
Create Date: 2026-11-30 02:31:53.119351

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('award_places',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('tier', sa.String(length=50), nullable=False),
    sa.Column('places', sa.Integer(), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('places >= 0', name=op.f('ck_award_places_places_non_negative')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_award_places_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_award_places_org_id_organisations')),
    sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name=op.f('fk_award_places_set_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_places')),
    sa.UniqueConstraint('event_id', 'org_id', 'tier', name='uq_award_places_event_org_tier')
    )
    with op.batch_alter_table('award_places', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_places_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_award_places_org_id'), ['org_id'], unique=False)


def downgrade():
    with op.batch_alter_table('award_places', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_places_org_id'))
        batch_op.drop_index(batch_op.f('ix_award_places_event_id'))

    op.drop_table('award_places')
