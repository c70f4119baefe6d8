"""List indexes: composite indexes that cover what the case lists filter and sort on

The lawyers' queue, the cases before the Committee and a partner's reports find a page's ids in one of
these indexes alone; only the rows shown are then read (bench/README.md: on SQLite a row is read whole,
its encrypted narrative included, so filtering and sorting on the table read every matching row). They
replace the single-column indexes on stage, State, urgency and organisation, whose leading columns they
repeat (the organisation's still serves its foreign key).

Revision ID: d1b1800b166a
Revises: c9f49e4a1fa2
Create Date: 2026-11-28 02:26:49.581409

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd1b1800b166a'
down_revision = 'c9f49e4a1fa2'
branch_labels = None
depends_on = None

LIST_COLUMNS = ['urgent_risk', 'one_year_last_day', 'submitted_at', 'reference']


def upgrade():
    for column in ('organisation_id', 'stage', 'state_code', 'urgent_risk'):
        op.drop_index(f'ix_cases_{column}', table_name='cases')
    op.create_index('ix_cases_by_organisation', 'cases', ['organisation_id', 'stage', 'updated_at'], unique=False)
    op.create_index('ix_cases_by_state', 'cases', ['state_code', 'stage', *LIST_COLUMNS], unique=False)
    op.create_index('ix_cases_queue', 'cases', ['stage', 'state_code', *LIST_COLUMNS], unique=False)


def downgrade():
    for name in ('ix_cases_queue', 'ix_cases_by_state', 'ix_cases_by_organisation'):
        op.drop_index(name, table_name='cases')
    for column in ('urgent_risk', 'state_code', 'stage', 'organisation_id'):
        op.create_index(f'ix_cases_{column}', 'cases', [column], unique=False)
