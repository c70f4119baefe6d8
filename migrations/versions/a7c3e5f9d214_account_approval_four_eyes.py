"""Four-eyes approval of new and reset staff accounts (AUTH-12)

``users`` gains when a second admin's approval was asked for and by whom, and when and by whom it was
given (``approved_by_id`` NULL with ``approved_at`` set: the operator, ``flask users approve``). Existing
accounts asked for nothing, so none of them waits. Going down drops the four columns.

Revision ID: a7c3e5f9d214
Revises: e17c7eb8c244
Create Date: 2026-12-05 15:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e5f9d214'
down_revision = 'e17c7eb8c244'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approval_requested_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('approval_requested_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('approved_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('approved_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_users_approval_requested_by_id_users'), 'users',
                                    ['approval_requested_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_users_approved_by_id_users'), 'users',
                                    ['approved_by_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_approved_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_users_approval_requested_by_id_users'), type_='foreignkey')
        batch_op.drop_column('approved_by_id')
        batch_op.drop_column('approved_at')
        batch_op.drop_column('approval_requested_by_id')
        batch_op.drop_column('approval_requested_at')
