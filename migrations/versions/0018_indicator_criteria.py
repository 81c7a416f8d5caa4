"""indicator sheets: criterion kinds occurrences and veto, the note in the score audit

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30 02:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('criteria', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_criteria_criterion_kind'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_criteria_criterion_kind'), "kind IN ('measurement', 'judgement', 'occurrences', 'veto')")
    with op.batch_alter_table('score_audit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.Text(), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('score_audit', schema=None) as batch_op:
        batch_op.drop_column('note')
    op.execute("DELETE FROM criteria WHERE kind IN ('occurrences', 'veto')")
    with op.batch_alter_table('criteria', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_criteria_criterion_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_criteria_criterion_kind'), "kind IN ('measurement', 'judgement')")
