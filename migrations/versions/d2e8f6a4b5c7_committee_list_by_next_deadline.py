"""The cases before the Committee by their next deadline, as an index (issue 20)

``ix_cases_by_next_due`` holds the cases by their next open deadline with the columns the Committee
list's filters test, so that a long list in the order that needs action is walked to its page instead
of sorted whole (``caseapp.services.committee.page_by_next_deadline``).

Revision ID: d2e8f6a4b5c7
Revises: c1d9e7f5a3b4
Create Date: 2026-12-07 12:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd2e8f6a4b5c7'
down_revision = 'c1d9e7f5a3b4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_cases_by_next_due', 'cases', ['next_due_on', 'id', 'stage', 'state_code', 'reference'],
                    unique=False)


def downgrade():
    op.drop_index('ix_cases_by_next_due', table_name='cases')
