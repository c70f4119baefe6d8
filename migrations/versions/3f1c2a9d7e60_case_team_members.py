"""Case teams: the lawyers and coordinators assigned to a case

Revision ID: 3f1c2a9d7e60
Revises: af85c573be0f
Create Date: 2026-12-05 11:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f1c2a9d7e60'
down_revision = 'af85c573be0f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_team_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_case_team_members_added_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_team_members_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_case_team_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_team_members')),
    sa.UniqueConstraint('case_id', 'user_id', name='uq_case_team_members_case_user')
    )
    with op.batch_alter_table('case_team_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_team_members_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('case_team_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_team_members_user_id'))

    op.drop_table('case_team_members')
