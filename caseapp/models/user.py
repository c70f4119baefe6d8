from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, LargeBinary, String, Uuid, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.domain.roles import ROLES, STAFF_ROLES
from caseapp.models.base import Base, UTCDateTime, utcnow
from caseapp.models.organisation import Organisation

_ROLE_LIST = ", ".join(f"'{role}'" for role in ROLES)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN ({_ROLE_LIST})", name="role_valid"),
        CheckConstraint("digest_frequency IN ('daily', 'weekly', 'never')", name="digest_frequency_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid(), unique=True, default=uuid4)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(16))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # AUTH-04: encrypted under the accounts data key, AAD bound to this user's uuid.
    totp_secret_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())
    totp_enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    totp_last_step: Mapped[int | None] = mapped_column(Integer())  # AUTH-02
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The language the person chose for their pages and e-mails; None until they choose (or first sign in:
    # caseapp/web/locales.py ``adopt_page_language``), the pages then following the browser.
    locale: Mapped[str | None] = mapped_column(String(8))
    # The deadline digest (``flask notify digest``): how often, how many days ahead, when the last one went.
    digest_frequency: Mapped[str] = mapped_column(String(8), default="weekly")
    digest_within_days: Mapped[int] = mapped_column(Integer(), default=14)
    digest_last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Four-eyes (AUTH-12): a new or reset staff account waits from ``approval_requested_at`` until a second
    # admin (or the operator, ``approved_by_id`` NULL) approves it; both stay as the last request's record.
    approval_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approval_requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation | None] = relationship(back_populates="users")
    approval_requested_by: Mapped["User | None"] = relationship(foreign_keys=[approval_requested_by_id],
                                                                remote_side=[id])
    approved_by: Mapped["User | None"] = relationship(foreign_keys=[approved_by_id], remote_side=[id])
    passkeys: Mapped[list["Passkey"]] = relationship(back_populates="user", order_by="Passkey.created_at",
                                                     cascade="all, delete-orphan", passive_deletes=True)

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None

    @property
    def awaiting_approval(self) -> bool:
        """Asked for a second admin's approval and not given it yet (AUTH-12)."""
        return self.approval_requested_at is not None and self.approved_at is None

    @property
    def has_totp(self) -> bool:
        return self.totp_secret_encrypted is not None

    @property
    def has_second_factor(self) -> bool:
        """A TOTP app or at least one passkey (AUTH-01, AUTH-13)."""
        return self.has_totp or bool(self.passkeys)

    @property
    def label(self) -> str:
        return self.display_name or self.email


def reachable_accounts():
    """The conditions on ``User`` of an account that case notifications and digests reach: active, and not
    waiting for a second admin's approval (AUTH-12) — such an account reaches no case, so a link would only
    lead it to a refusal."""
    return (User.disabled_at.is_(None), or_(User.approval_requested_at.is_(None), User.approved_at.is_not(None)))


class LoginFailure(Base):
    """One failed login; the per-account throttle counts recent rows (AUTH-07), shared by all workers."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class SetupToken(Base):
    """A one-time link to set a password (new account or admin reset). Only its hash is stored."""

    __tablename__ = "setup_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class Passkey(Base):
    """A WebAuthn credential used as a second factor (AUTH-13). Only its public key is kept; the
    private key never leaves the person's authenticator."""

    __tablename__ = "passkeys"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid(), unique=True, default=uuid4)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    credential_id: Mapped[bytes] = mapped_column(LargeBinary(1023), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary())  # COSE-encoded
    sign_count: Mapped[int] = mapped_column(BigInteger(), default=0)
    transports: Mapped[str] = mapped_column(String(200), default="")  # comma-separated hints for the browser
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(back_populates="passkeys")


class RecoveryCode(Base):
    """A single-use code that stands in for the second factor at sign-in (AUTH-13). Only a keyed hash is
    stored: a copy of the database alone yields no usable code."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
