"""Other instruments invoked, encrypted like the rest of the report

``cases.other_instruments`` (the partner's free text: a JSON list of other treaties invoked) was the one
piece of a report stored in clear (CRY-01). It moves into ``cases.other_instruments_encrypted``: the
same JSON list, encrypted under the case's data key with the associated data
``cases|other_instruments|<case uuid>|v1``, as ``CaseVault.set`` writes it. Then the clear column goes.

Moving existing values needs the keys: the revision uses the key-encryption keys the app loaded (``flask
db upgrade`` runs inside the app, with ``instance/keys`` or ``CASEAPP_KEKS``). When some case has other
instruments and the keys are not loaded, it stops before changing anything and says so. Going down
decrypts them back into the clear column, with the same condition.

Revision ID: b3aca88f0f6c
Revises: 3f1c2a9d7e60
Create Date: 2026-12-05 11:45:00.000000

"""
import json

import sqlalchemy as sa
from alembic import op
from flask import current_app

from caseapp.crypto import decrypt_field, encrypt_field, unwrap_key

# revision identifiers, used by Alembic.
revision = 'b3aca88f0f6c'
down_revision = '3f1c2a9d7e60'
branch_labels = None
depends_on = None

CASES = sa.table('cases', sa.column('id', sa.Integer()), sa.column('uuid', sa.Uuid()),
                 sa.column('other_instruments', sa.JSON()), sa.column('other_instruments_encrypted', sa.LargeBinary()))
DATA_KEYS = sa.table('data_keys', sa.column('scope', sa.String()), sa.column('recipient', sa.String()),
                     sa.column('kek_id', sa.String()), sa.column('wrapped_key', sa.LargeBinary()))


def _aad(case_uuid) -> bytes:
    # Written out here rather than taken from the vault, so this revision keeps meaning what it meant.
    return f"cases|other_instruments|{case_uuid}|v1".encode()


def _keyring(count: int, what: str):
    keyring = current_app.extensions.get("caseapp.keyring")
    if keyring is None:
        raise RuntimeError(f"{count} case(s) have other instruments to {what}, which needs the keys: load them "
                           "(instance/keys or CASEAPP_KEKS) and run the migration again. Nothing was changed.")
    return keyring


def _case_keys(connection, keyring, case_uuids) -> dict:
    """Each case's data key, unwrapped; a case whose key is gone (shredded) has none."""
    scopes = {f"case:{case_uuid}": case_uuid for case_uuid in case_uuids}
    rows = connection.execute(sa.select(DATA_KEYS).where(DATA_KEYS.c.scope.in_(scopes),
                                                         DATA_KEYS.c.recipient == 'server')).all()
    return {scopes[row.scope]: unwrap_key(keyring, row.scope, row.kek_id, row.wrapped_key) for row in rows}


def upgrade():
    connection = op.get_bind()
    rows = [row for row in connection.execute(sa.select(CASES.c.id, CASES.c.uuid, CASES.c.other_instruments))
            if row.other_instruments]
    # Every key is unwrapped before the schema changes: a wrong key stops here, with nothing changed
    # (SQLite's DDL is not transactional in Alembic).
    keys = _case_keys(connection, _keyring(len(rows), "encrypt"), [row.uuid for row in rows]) if rows else {}

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('other_instruments_encrypted', sa.LargeBinary(), nullable=True))

    if rows:
        for row in rows:
            key = keys.get(row.uuid)
            # A case without its key is shredded: its other instruments go with the clear column.
            value = None if key is None else encrypt_field(
                key, json.dumps(list(row.other_instruments), ensure_ascii=False).encode(), _aad(row.uuid))
            connection.execute(sa.update(CASES).where(CASES.c.id == row.id).values(other_instruments_encrypted=value))

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('other_instruments')


def downgrade():
    connection = op.get_bind()
    rows = connection.execute(sa.select(CASES.c.id, CASES.c.uuid, CASES.c.other_instruments_encrypted)
                              .where(CASES.c.other_instruments_encrypted.is_not(None))).all()
    values = {}
    if rows:
        keys = _case_keys(connection, _keyring(len(rows), "decrypt"), [row.uuid for row in rows])
        for row in rows:
            if (key := keys.get(row.uuid)) is not None:
                values[row.id] = json.loads(decrypt_field(key, row.other_instruments_encrypted, _aad(row.uuid)))

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('other_instruments', sa.JSON(), nullable=False, server_default='[]'))
    for case_id, items in values.items():
        connection.execute(sa.update(CASES).where(CASES.c.id == case_id).values(other_instruments=items))
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('other_instruments_encrypted')
