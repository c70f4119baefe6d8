"""Open deadlines stored when the dates they derive from change (issue 20)

``case_deadlines`` holds each case's open deadlines (kind, basis date, due date) as
``caseapp.domain.committee.open_deadlines`` finds them, and ``cases.next_due_on`` the soonest, so the
deadline lists, counts and the Committee list's order are cut by the database. They need no keys (clear
date columns only), so this migration fills them for the cases already there, with the rules of the
code it ships with (`flask deadlines --refresh` recomputes them after a change of rules). With them come
the index the Committee list's order reads (stage, next deadline, submission, last change) and one on the
communication number (the list's check for a number recorded on two cases). Going down drops them all.

Revision ID: b8f6e4d2c0a3
Revises: a7e5d3c9b1f2
Create Date: 2026-12-07 00:40:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.orm import Session


# revision identifiers, used by Alembic.
revision = 'b8f6e4d2c0a3'
down_revision = 'a7e5d3c9b1f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'case_deadlines',
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('basis_date', sa.Date(), nullable=True),
        sa.Column('due_date', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_deadlines_case_id_cases'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('case_id', 'kind', name=op.f('pk_case_deadlines')),
    )
    op.create_index('ix_case_deadlines_due', 'case_deadlines', ['due_date', 'case_id'], unique=False)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_due_on', sa.Date(), nullable=True))
        batch_op.create_index('ix_cases_committee', ['stage', 'next_due_on', 'state_code', 'reference', 'submitted_at',
                                                     'updated_at'], unique=False)
    with op.batch_alter_table('communications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_communications_communication_number'), ['communication_number'],
                              unique=False)

    from caseapp.services import deadlines  # the rules the stored rows must agree with

    session = Session(bind=op.get_bind())
    deadlines.refresh_all(session)
    session.close()  # the migration's transaction commits the rows



def downgrade():
    with op.batch_alter_table('communications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_communications_communication_number'))
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_committee')
        batch_op.drop_column('next_due_on')
    op.drop_index('ix_case_deadlines_due', table_name='case_deadlines')
    op.drop_table('case_deadlines')
