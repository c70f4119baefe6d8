"""A person's language is a choice they make, not a default (issue 18)

``users.locale`` becomes nullable: NULL means "no choice yet" — the pages follow the browser (or the
switcher), and the first sign-in keeps the language the person signed in with. Every existing 'en' was the
column's default (English was the only language until now), so it becomes NULL. Going down writes 'en'
back where there is no choice.

Revision ID: b4d9e2a7c615
Revises: a7c3e5f9d214
Create Date: 2026-12-06 08:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b4d9e2a7c615'
down_revision = 'a7c3e5f9d214'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('locale', existing_type=sa.String(length=8), nullable=True, server_default=None)
    op.execute("UPDATE users SET locale = NULL WHERE locale = 'en'")


def downgrade():
    op.execute("UPDATE users SET locale = 'en' WHERE locale IS NULL")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('locale', existing_type=sa.String(length=8), nullable=False, server_default='en')
