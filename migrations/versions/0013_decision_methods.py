"""decision methods: an event names its method and keeps the method's own settings

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 23:40:00

Both columns are NULL for every existing event: the method is then derived from the older columns
(a bracket format means ``bracket``, else ``rubric``; ``contest.methods.method_of``).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('method', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('method_options', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('method_options')
        batch_op.drop_column('method')
