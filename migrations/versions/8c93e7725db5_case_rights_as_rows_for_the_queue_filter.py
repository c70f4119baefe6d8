"""Case rights as rows, for the screening queue's filter by right

``cases.rights_invoked`` (a JSON list) stays the case's list; ``case_rights`` holds the same rights one
per row, with an index by right, so the queue finds the cases invoking a right without reading every
case row (bench/README.md). Filled here from the existing lists; the intake service writes both.

Revision ID: 8c93e7725db5
Revises: d1b1800b166a
Create Date: 2026-11-28 02:31:44.111375

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '8c93e7725db5'
down_revision = 'd1b1800b166a'
branch_labels = None
depends_on = None

BACKFILL = {
    "sqlite": "INSERT INTO case_rights (case_id, code) SELECT DISTINCT cases.id, item.value "
              "FROM cases, json_each(cases.rights_invoked) AS item WHERE item.value IS NOT NULL",
    "postgresql": "INSERT INTO case_rights (case_id, code) SELECT DISTINCT cases.id, item.value "
                  "FROM cases, json_array_elements_text(cases.rights_invoked) AS item(value) "
                  "WHERE item.value IS NOT NULL",
}


def upgrade():
    op.create_table('case_rights',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_rights_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', 'code', name=op.f('pk_case_rights'))
    )
    op.create_index('ix_case_rights_code', 'case_rights', ['code', 'case_id'], unique=False)
    op.execute(BACKFILL[op.get_bind().dialect.name])


def downgrade():
    op.drop_index('ix_case_rights_code', table_name='case_rights')
    op.drop_table('case_rights')
