"""merit contest periods: an event may be one period of a series (label and place), for 立功竞赛

Revision ID: 0021
Revises: 0017
Create Date: 2026-11-30 02:31:24.295551

The three columns are NULL for every existing event (not a period). A period event names all three; the
series' periods are unique by place within the contest.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('period_series', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('period_label', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('period_seq', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint('uq_events_period', ['contest_id', 'period_series', 'period_seq'])
        batch_op.create_check_constraint(
            op.f('ck_events_period_shape'),
            "(period_series IS NULL AND period_label IS NULL AND period_seq IS NULL)"
            " OR (period_series IS NOT NULL AND period_label IS NOT NULL AND period_seq >= 1)",
        )


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_events_period_shape'), type_='check')
        batch_op.drop_constraint('uq_events_period', type_='unique')
        batch_op.drop_column('period_seq')
        batch_op.drop_column('period_label')
        batch_op.drop_column('period_series')
