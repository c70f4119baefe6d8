"""Duplicates stored when a report is written (issue 20)

``case_duplicates`` holds, both ways, each pair of submitted reports naming the same victim (name or
identity number), confirmed on the decrypted values when either was submitted or its victims changed;
``cases.duplicates_checked`` says a case's pairs are there. A migration cannot decrypt (it has no keys),
so every existing case starts unchecked: the pages check those on the fly until `flask duplicates
record` has stored them. Going down drops both.

Revision ID: a7e5d3c9b1f2
Revises: f3a8c1d2e4b6
Create Date: 2026-12-07 00:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7e5d3c9b1f2'
down_revision = 'f3a8c1d2e4b6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'case_duplicates',
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('other_case_id', sa.Integer(), nullable=False),
        sa.Column('matched_on', sa.String(length=16), nullable=False),
        sa.CheckConstraint("matched_on IN ('name', 'identity number')",
                           name=op.f('ck_case_duplicates_matched_on_valid')),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_duplicates_case_id_cases'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['other_case_id'], ['cases.id'],
                                name=op.f('fk_case_duplicates_other_case_id_cases'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('case_id', 'other_case_id', name=op.f('pk_case_duplicates')),
    )
    op.create_index('ix_case_duplicates_other', 'case_duplicates', ['other_case_id'], unique=False)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('duplicates_checked', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('duplicates_checked')
    op.drop_index('ix_case_duplicates_other', table_name='case_duplicates')
    op.drop_table('case_duplicates')
