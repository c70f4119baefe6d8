"""The notification outbox, each person's choices, and their language and digest settings (issue 16)

``notifications`` is the outbox and the in-app list at once: written in the event's transaction, sent by
``flask notify send``; ``notification_preferences`` each person's choice per kind. ``users`` gains the
language of its e-mails and its digest settings, with defaults for the existing accounts (English, weekly,
14 days). Going down drops both tables and the four columns.

Revision ID: e17c7eb8c244
Revises: 5e1f0a7c2b9d
Create Date: 2026-12-05 15:10:31.969362

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e17c7eb8c244'
down_revision = '5e1f0a7c2b9d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notification_preferences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('delivery', sa.String(length=16), nullable=False),
    sa.CheckConstraint("delivery IN ('immediate', 'digest', 'never')", name=op.f('ck_notification_preferences_delivery_valid')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_preferences')),
    sa.UniqueConstraint('user_id', 'kind', name='uq_notification_preferences_user_kind')
    )
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('reference', sa.String(length=40), nullable=True),
    sa.Column('link', sa.String(length=300), nullable=True),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.Column('delivery', sa.String(length=16), nullable=False),
    sa.Column('mail_status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=True),
    sa.Column('claimed_until', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.String(length=200), nullable=True),
    sa.Column('digested_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("delivery IN ('immediate', 'digest', 'never')", name=op.f('ck_notifications_delivery_valid')),
    sa.CheckConstraint("mail_status IN ('pending', 'sent', 'failed', 'none')", name=op.f('ck_notifications_mail_status_valid')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_notifications_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('uuid', name=op.f('uq_notifications_uuid'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_notifications_due', ['mail_status', 'next_attempt_at'], unique=False)
        batch_op.create_index('ix_notifications_user_list', ['user_id', 'created_at'], unique=False)
        batch_op.create_index('ix_notifications_user_unread', ['user_id', 'read_at'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=8), nullable=False, server_default='en'))
        batch_op.add_column(sa.Column('digest_frequency', sa.String(length=8), nullable=False,
                                      server_default='weekly'))
        batch_op.add_column(sa.Column('digest_within_days', sa.Integer(), nullable=False, server_default='14'))
        batch_op.add_column(sa.Column('digest_last_sent_at', sa.DateTime(), nullable=True))
        batch_op.create_check_constraint('digest_frequency_valid',
                                         "digest_frequency IN ('daily', 'weekly', 'never')")



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_digest_frequency_valid'), type_='check')
        batch_op.drop_column('digest_last_sent_at')
        batch_op.drop_column('digest_within_days')
        batch_op.drop_column('digest_frequency')
        batch_op.drop_column('locale')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_unread')
        batch_op.drop_index('ix_notifications_user_list')
        batch_op.drop_index('ix_notifications_due')
        batch_op.drop_index(batch_op.f('ix_notifications_case_id'))

    op.drop_table('notifications')
    op.drop_table('notification_preferences')
