"""notifications as an e-mail outbox (delivery status, attempts, once-only keys); users' e-mail and name initials

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29 23:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('once_key', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('email_status', sa.String(length=10), server_default='pending', nullable=False))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_error', sa.String(length=500), nullable=True))
        batch_op.create_index('ix_notifications_outbox', ['email_status', 'next_attempt_at'], unique=False)
        batch_op.create_unique_constraint('uq_notifications_once', ['user_id', 'once_key'])
    # Notifications written before there was a mailer are not mailed now.
    op.execute("UPDATE notifications SET email_status = 'skipped'")

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('name_initials', sa.String(length=50), server_default='', nullable=False))
        batch_op.create_index('ix_users_name_initials', ['name_initials'], unique=False)
    from contest.domain.contact import name_initials

    bind = op.get_bind()
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('name', sa.String), sa.column('name_initials', sa.String))
    rows = [{'uid': uid, 'initials': name_initials(name or '')} for uid, name in bind.execute(sa.select(users.c.id, users.c.name))]
    if rows:
        bind.execute(users.update().where(users.c.id == sa.bindparam('uid')).values(name_initials=sa.bindparam('initials')), rows)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_name_initials')
        batch_op.drop_column('name_initials')
        batch_op.drop_column('email')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint('uq_notifications_once', type_='unique')
        batch_op.drop_index('ix_notifications_outbox')
        batch_op.drop_column('last_error')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('attempts')
        batch_op.drop_column('email_status')
        batch_op.drop_column('once_key')
