"""A case's working language and the remedies sought, for the drafted communication (issue 19)

``cases.working_language`` is the language the communication is drafted in (en, es, fr; NULL until a
lawyer chooses); ``cases.remedies_sought_encrypted`` what the authors ask the Committee to recommend,
encrypted under the case's key like the rest of its content. Going down drops both.

Revision ID: f3a8c1d2e4b6
Revises: b4d9e2a7c615
Create Date: 2026-12-06 21:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3a8c1d2e4b6'
down_revision = 'b4d9e2a7c615'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('working_language', sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column('remedies_sought_encrypted', sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('remedies_sought_encrypted')
        batch_op.drop_column('working_language')
