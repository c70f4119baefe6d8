"""The home pages' counts from the moves and the decisions themselves, as three indexes (issue 20)

``ix_case_events_by_stages`` finds the partners' answers (info_requested → screening) and
``ix_case_events_into_stage`` the recent moves into a decision stage, so that a lawyer's "answers to read"
and a partner's "decisions" are counted from those few moves rather than from every visible case's
timeline; ``ix_communications_decisions`` holds what a coordinator's counts read of the decisions
(``caseapp.services.todo``).

Revision ID: b8d4f2a6c1e3
Revises: d2e8f6a4b5c7
Create Date: 2026-12-08 01:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b8d4f2a6c1e3'
down_revision = 'd2e8f6a4b5c7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_case_events_by_stages', 'case_events', ['from_stage', 'to_stage', 'case_id'], unique=False)
    op.create_index('ix_case_events_into_stage', 'case_events', ['to_stage', 'occurred_at'], unique=False)
    op.create_index('ix_communications_decisions', 'communications',
                    ['decision_type', 'decision_transmitted_on', 'follow_up_response_received_on', 'case_id'],
                    unique=False)


def downgrade():
    op.drop_index('ix_communications_decisions', table_name='communications')
    op.drop_index('ix_case_events_into_stage', table_name='case_events')
    op.drop_index('ix_case_events_by_stages', table_name='case_events')
