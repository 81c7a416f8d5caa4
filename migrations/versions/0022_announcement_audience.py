"""announcements' audience: the unit (the issuing unit or one in its subtree) a notice is for

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30 05:30:00.000000

Existing announcements were for their issuing unit's subtree: their audience is the issuing unit.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audience_id', sa.Integer(), nullable=True))
    op.execute("UPDATE announcements SET audience_id = org_id")
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.alter_column('audience_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_announcements_audience_id_organisations'), 'organisations',
                                    ['audience_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_announcements_audience_id'), ['audience_id'], unique=False)


def downgrade():
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcements_audience_id'))
        batch_op.drop_constraint(batch_op.f('fk_announcements_audience_id_organisations'), type_='foreignkey')
        batch_op.drop_column('audience_id')
