"""Configuration classes.

Order of precedence (last wins): the class chosen by ``CASEAPP_CONFIG`` (``production`` when unset,
so a forgotten setting never weakens a deployment) → ``instance/config.py`` → ``CASEAPP_*``
environment variables (JSON-decoded when possible) → ``DATABASE_URL`` → the mapping passed to
``create_app``.
"""

from datetime import timedelta

INSECURE_SECRET_KEYS = frozenset({"", "dev", "change-me", "changeme", "secret", "development"})


class Config:
    SECRET_KEY: str | None = None
    # None means "instance/caseapp.sqlite3"; set DATABASE_URL for PostgreSQL.
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT_MS = 5000

    # Base address used in links printed by the CLI (setup links); no e-mail server needed.
    BASE_URL = "http://127.0.0.1:5000"

    # Vulnerability disclosure (OPS-02): /.well-known/security.txt (RFC 9116) is published when a contact
    # is set, e.g. "mailto:security@coalition.example" or an https:// form. SECURITY_TXT_EXPIRES is an
    # ISO date; unset, the file says it expires 180 days after the server started.
    SECURITY_CONTACT: str | None = None
    SECURITY_TXT_EXPIRES: str | None = None
    SECURITY_POLICY_URL: str | None = None

    # Sessions (SESS-01…08)
    SESSION_COOKIE_NAME = "__Host-session"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Strict"
    SESSION_COOKIE_PATH = "/"
    SESSION_COOKIE_DOMAIN = None
    SESSION_IDLE_TIMEOUT = timedelta(hours=2)
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
    # last_seen is written at most this often, so reads do not turn into writes.
    SESSION_TOUCH_INTERVAL = timedelta(seconds=60)
    # Expired session rows (with their address and browser) are deleted at most this often per process,
    # in a session write that happens anyway; `flask sessions purge` from cron covers quiet periods.
    SESSION_PURGE_INTERVAL = timedelta(minutes=15)

    # CSRF (CSRF-01…03): the token lives as long as the longest session.
    WTF_CSRF_TIME_LIMIT = int(timedelta(hours=12).total_seconds())
    # Flask-WTF's HTTPS "strict" mode demands a same-origin Referer, but HDR-01's
    # `Referrer-Policy: no-referrer` makes browsers send none (and an Origin of "null"), so it would
    # refuse every form. Protection rests on the session-bound token and the SameSite=Strict cookie.
    WTF_CSRF_SSL_STRICT = False

    # Authentication (AUTH-01…14)
    # AUTH-01: the roles that must hold a second factor (a TOTP app or a passkey) before reaching anything.
    # Every role by default: partners hold victims' data too. An instance may relax it for partners only,
    # e.g. CASEAPP_TWO_FACTOR_REQUIRED_ROLES='["lawyer", "coordinator", "admin"]' (README "Two-factor");
    # the start-up check refuses any other omission.
    TWO_FACTOR_REQUIRED_ROLES = ("partner", "lawyer", "coordinator", "admin")
    # AUTH-13: a new sign-in with a second factor gets this many single-use recovery codes.
    RECOVERY_CODE_COUNT = 10
    # Passkeys (WebAuthn, AUTH-13). The relying party id is the host name people type (no scheme, no port)
    # and the origin the address the browser shows; both default to BASE_URL's, which must then be the
    # public address. A passkey works only under the RP id it was registered for: changing it orphans them.
    WEBAUTHN_RP_ID: str | None = None
    WEBAUTHN_ORIGIN: str | None = None
    WEBAUTHN_RP_NAME = "ESCR Case Desk"
    WEBAUTHN_TIMEOUT_MS = 120000
    TOTP_ISSUER = "ESCR Case Desk"
    TOTP_VALID_WINDOW = 1  # ±1 step of 30 s for clock skew (AUTH-03, documented in README)
    LOGIN_THROTTLE_ATTEMPTS = 5
    LOGIN_THROTTLE_WINDOW = timedelta(seconds=60)
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST_KIB = 65536
    ARGON2_PARALLELISM = 4
    ARGON2_MAX_CONCURRENT = 2  # AUTH-11: concurrent verifies per process
    SETUP_TOKEN_LIFETIME = timedelta(hours=24)
    # "Forgot your password?" (AUTH-12): at most one reset message per account in this interval, whatever
    # the number of requests (the form's own rate limit is RATELIMIT_LOGIN, per client address).
    PASSWORD_RESET_INTERVAL = timedelta(minutes=5)
    # AUTH-14: a new password must reach this zxcvbn score (0–4) knowing the app's, organisation's and
    # user's words; 3 is about 10^10 guesses ("safely unguessable"), 4 refuses more passphrases.
    PASSWORD_MIN_SCORE = 3

    # Per-address limits (README "Rate limits"). database:// counts in the app's database, shared by every
    # worker and host on it; redis://host:6379 is the choice for several hosts with a busy site; memory://
    # counts in each worker on its own (N workers let an address through N times the limit).
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "database://"
    RATELIMIT_STRATEGY = "fixed-window"  # the only strategy database:// implements
    RATELIMIT_LOGIN = "30 per minute"
    RATELIMIT_HEADERS_ENABLED = False

    # JSON API (README "JSON API"): requests per token (or per address without one), and failed
    # token authentications per address, which bounds a stream of made-up tokens.
    RATELIMIT_API = "120 per minute"
    RATELIMIT_API_AUTH_FAILURES = "30 per minute"
    API_MAX_JSON_SIZE = 4 * 1024 * 1024  # a report body; larger ones get 413 (files go as multipart)
    API_PAGE_SIZE = 25
    API_MAX_PAGE_SIZE = 100
    API_TOKEN_TOUCH_INTERVAL = timedelta(seconds=60)  # how often a token's "last used" is written

    # Calendar feeds of the deadlines (README "Deadlines and calendar feed"): fetches per feed (calendar
    # applications poll every 15 minutes to a few hours), and unknown feed addresses per client address.
    RATELIMIT_CALENDAR_FEED = "60 per hour"
    RATELIMIT_CALENDAR_FEED_FAILURES = "30 per minute"

    # Outgoing mail (README "Notifications and e-mail"). With no MAIL_SERVER, `flask notify send` writes each
    # message as an .eml file in MAIL_OUTBOX_FOLDER (default instance/mail-outbox). MAIL_USE_TLS is implicit
    # TLS (port 465); otherwise STARTTLS unless MAIL_USE_STARTTLS is False (a relay on loopback only).
    MAIL_SERVER: str | None = None
    MAIL_PORT = 587
    MAIL_USE_TLS = False
    MAIL_USE_STARTTLS = True
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_TIMEOUT = 30
    MAIL_DEFAULT_SENDER = "ESCR Case Desk <no-reply@localhost>"
    MAIL_OUTBOX_FOLDER: str | None = None
    MAIL_MAX_ATTEMPTS = 10  # a message refused this many times is given up and shown to admins
    UNSUBSCRIBE_LINK_LIFETIME = timedelta(days=60)
    MAIL_SEND_AFTER_REQUEST = False  # development: write the outbox folder after each request (no cron needed)

    # Keys (docs/crypto.md): a directory of KEK files, or CASEAPP_KEKS; the blind-index root secret
    # from the same directory (index.secret) or CASEAPP_INDEX_SECRET.
    KEYS_DIR: str | None = None  # None means "instance/keys"
    KEKS: str | None = None  # "id:base64url,id2:base64url" — first wraps, all unwrap
    INDEX_SECRET: str | None = None  # base64url of 32 random bytes

    # Retention (DATA-02, README "Retention"): `flask retention run --apply` crypto-shreds declined
    # reports declined more than this many days ago.
    RETENTION_DAYS = 365

    # Background jobs on several hosts (README "Background jobs (several hosts)"). Unset (the default), cron
    # runs the `flask` commands on one host and nothing is enqueued. With a Redis broker, e.g.
    # "redis://:password@redis.internal:6379/1", each new e-mail goes to a Celery worker once its transaction
    # commits, and `celery -A caseapp.jobs.worker beat` runs the periodic jobs: JOBS_SCHEDULE changes the
    # ones it names (seconds between runs or a UTC crontab line; None turns one off) among the defaults
    # outbox_sweep 60, digests "0 6 * * *", retention "30 2 * * *", store_sweep "45 2 * * *",
    # sessions_purge "15 * * * *" (caseapp/jobs/__init__.py).
    JOBS_BROKER_URL: str | None = None
    JOBS_SCHEDULE: dict = {}
    JOBS_OUTBOX_SWEEP_AGE = 60  # seconds: the sweep leaves younger e-mails to their own job
    JOBS_STORE_SWEEP_GRACE_MINUTES = 60  # as `flask store sweep --grace-minutes`
    JOBS_BEAT_MAX_INTERVAL = 10  # seconds between the scheduler's looks; its lock lapses after 5 times this

    # The States register (README "States register"): admins and lawyers see a notice on every page once the
    # register's "as of" date is older than this many calendar months, until it is checked or updated again.
    REGISTER_MAX_AGE_MONTHS = 6

    # Encrypted file store and the encrypted spool that uploads stream into (UP-06).
    FILE_STORE_DIR: str | None = None  # None means "instance/store"
    # Several hosts (README "Files in an S3 bucket"): "s3://bucket/prefix" keeps the files in that bucket
    # instead of FILE_STORE_DIR; production then needs PostgreSQL. S3_ENDPOINT_URL for a server other than
    # AWS (path-style addressing then); without the key settings boto3 looks for its own (AWS_* variables,
    # an instance profile). Set the secret through CASEAPP_S3_SECRET_ACCESS_KEY, never in the repository.
    FILE_STORE_URL: str | None = None
    S3_ENDPOINT_URL: str | None = None
    S3_REGION: str | None = None
    S3_ACCESS_KEY_ID: str | None = None
    S3_SECRET_ACCESS_KEY: str | None = None
    FILE_STORE_MIN_FREE_MB = 256  # the start-up self-test refuses to start with less free (REL-05)
    UPLOAD_SPOOL_DIR: str | None = None  # None means the system's temporary directory

    # Uploads (UP-01): what one request, one file, one report and one organisation may hold.
    # The accepted types are caseapp.domain.uploads.ALLOWED_EXTENSIONS, checked by extension and content.
    UPLOAD_MAX_FILE_SIZE = 200 * 1024 * 1024
    UPLOAD_MAX_FILES_PER_REPORT = 30
    UPLOAD_MAX_REPORT_SIZE = 1024 * 1024 * 1024
    UPLOAD_ORGANISATION_QUOTA = 20 * 1024 * 1024 * 1024
    # Optional antivirus hook (UP-08, README "Antivirus"): a ClamAV daemon every upload is streamed to
    # before it is stored, e.g. "unix:/run/clamav/clamd.ctl" or "tcp:127.0.0.1:3310". When set, uploads
    # fail closed: a flagged file, or one clamd could not scan, is refused. Set clamd's StreamMaxLength
    # to at least UPLOAD_MAX_FILE_SIZE.
    UPLOAD_CLAMD_ADDRESS: str | None = None
    UPLOAD_CLAMD_TIMEOUT = 30

    # Requests
    MAX_CONTENT_LENGTH = 512 * 1024 * 1024  # multipart bodies of the upload routes only
    MAX_FORM_BYTES = 1024 * 1024  # every other body outside /api/ (UP-02): 413 before it is read
    MAX_FORM_MEMORY_SIZE = 512 * 1024
    MAX_FORM_PARTS = 1000
    TRUSTED_HOSTS: list[str] | None = None
    PROXY_FIX_X_FOR = 0  # set to 1 behind one reverse proxy
    PROXY_FIX_X_PROTO = 0

    # Interface
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    # The interface's languages (issue 18): a signed-in user's preference (users.locale), else a visitor's choice
    # in the switcher, else the browser's Accept-Language. Each named in its own language in the switcher.
    LANGUAGES = ("en", "es", "fr")
    LANGUAGE_NAMES = {"en": "English", "es": "Español", "fr": "Français"}
    BOOTSTRAP_SERVE_LOCAL = True
    BOOTSTRAP_BTN_SIZE = "md"
    PAGE_SIZE = 25
    DEADLINES_PAGE_SIZE = 50  # each list of the deadlines page (overdue, upcoming)
    DASHBOARD_LIST_SIZE = 20  # the dashboard's lists (overdue follow-ups, publicity reminders)

    # Accept addresses at special-use domains such as .test (caseapp/web/forms.EmailAddress): the demo only.
    EMAIL_TEST_DOMAINS_ALLOWED = False

    LOG_LEVEL = "INFO"
    DEBUG = False
    TESTING = False


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    SECURITY_CONTACT = "mailto:security@demo.escr.test"  # the demo's placeholder; set the coalition's own
    # `make run`: the messages a request causes land in instance/mail-outbox at once (caseapp/web/mail_hook.py).
    MAIL_SEND_AFTER_REQUEST = True
    EMAIL_TEST_DOMAINS_ALLOWED = True  # the demo accounts are @demo.escr.test
    # Browsers accept Secure and __Host- cookies on http://127.0.0.1 and http://localhost.


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key-not-for-production-0123456789"  # noqa: S105 — tests only
    WTF_CSRF_ENABLED = False  # tests/security/test_csrf.py turns it back on
    RATELIMIT_ENABLED = False
    # argon2 "CHEAPEST" profile: tests only, keeps the suite fast on two cores.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST_KIB = 8
    ARGON2_PARALLELISM = 1
    BASE_URL = "https://localhost"
    SECURITY_CONTACT = "mailto:security@example.org"


class ProductionConfig(Config):
    ENV_NAME = "production"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
