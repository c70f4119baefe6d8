"""The lawyers' queue in its default order, as an index (issue 20)

``ix_cases_by_one_year_limit`` holds the cases in the queue's default order (the one-year limit soonest
first, "not counted" last, then the newest submitted) with the columns the queue's filters test, so that
a long filtered queue is walked in order to its first page instead of sorted whole
(``caseapp.services.cases.page_of_ids``).

Revision ID: c1d9e7f5a3b4
Revises: b8f6e4d2c0a3
Create Date: 2026-12-07 12:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c1d9e7f5a3b4'
down_revision = 'b8f6e4d2c0a3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_cases_by_one_year_limit', 'cases',
                    [sa.text('(one_year_last_day IS NULL)'), 'one_year_last_day', sa.text('submitted_at DESC'),
                     sa.text('id DESC'), 'stage', 'state_code', 'urgent_risk', 'reference'], unique=False)


def downgrade():
    op.drop_index('ix_cases_by_one_year_limit', table_name='cases')
