"""Process infrastructure: the database engine and its transactions, the Flask extensions, structured
logs, the encrypted file store, the password hasher, TOTP, the antivirus client, backups, and the
long-lived resources loaded at start (keys, hasher, file store).

Infrastructure knows nothing of the use cases: nothing here imports ``caseapp.services`` or
``caseapp.web`` (``tests/unit/test_architecture.py``)."""
