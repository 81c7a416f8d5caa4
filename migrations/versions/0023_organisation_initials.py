"""organisations' name initials, for the search of long lists by pinyin initials (as users' since 0015)

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-30 05:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_initials', sa.String(length=50), server_default='', nullable=False))
        batch_op.create_index('ix_organisations_name_initials', ['name_initials'], unique=False)
    from contest.domain.contact import name_initials

    bind = op.get_bind()
    orgs = sa.table('organisations', sa.column('id', sa.Integer), sa.column('name', sa.String), sa.column('name_initials', sa.String))
    rows = [{'oid': oid, 'initials': name_initials(name or '')} for oid, name in bind.execute(sa.select(orgs.c.id, orgs.c.name))]
    if rows:
        bind.execute(orgs.update().where(orgs.c.id == sa.bindparam('oid')).values(name_initials=sa.bindparam('initials')), rows)


def downgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_index('ix_organisations_name_initials')
        batch_op.drop_column('name_initials')
