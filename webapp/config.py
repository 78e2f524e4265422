"""One configuration, read from the environment."""
import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_DIR", BASE_DIR / "instance"))


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _driver(url: str) -> str:
    """Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the driver named."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return _driver(url)
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{INSTANCE_DIR / 'shaodian.sqlite'}"


class Config:
    SQLALCHEMY_DATABASE_URI = None  # filled in by load()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SECRET_KEY = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # A field login must survive weeks without signal. This is only the cookie's outer bound (the
    # longest the county may choose); each login's real lifetime is the county's setting, on the server.
    PERMANENT_SESSION_LIFETIME = timedelta(days=int(os.environ.get("SESSION_DAYS", "90")))
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session: phones stay offline for days
    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("COUNTY_TIMEZONE", "Asia/Shanghai")
    LANGUAGES = ("zh", "en")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_FAILURE_LIMIT = os.environ.get("LOGIN_FAILURE_LIMIT", "5 per 5 minutes")  # per account and address
    LOGIN_ADDRESS_LIMIT = os.environ.get("LOGIN_ADDRESS_LIMIT", "50 per 5 minutes")  # per address, all accounts
    # The number of reverse proxies in front of the app (nginx: 1). Their X-Forwarded-For/-Proto
    # give the client's address and scheme; 0 ignores those headers (nobody can forge an address).
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", str(365 * 24 * 3600)))  # sent only over HTTPS
    # How long the audit log is kept (days); never less than 3 years (webapp/audit/models.py).
    AUDIT_KEEP_DAYS = int(os.environ.get("AUDIT_KEEP_DAYS", str(3 * 365 + 1)))
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024  # the largest upload (a spreadsheet of 200,000 rows fits)
    SYNC_MAX_RECORDS = int(os.environ.get("SYNC_MAX_RECORDS", "500"))
    PAGE_SIZE = 50
    BACKUP_DIR = os.environ.get("BACKUP_DIR")  # `flask backup` without a path writes there (instance/backups)
    # "thread": each web process runs background jobs (county exports) in a thread; "off": only
    # `flask jobs run` processes do (docs/deploy.md).
    JOBS_WORKER = os.environ.get("JOBS_WORKER", "thread")
    PASSWORD_HASH_METHOD = "scrypt"

    @classmethod
    def load(cls, **overrides) -> dict:
        """The settings as a dict, with the environment's values and the given overrides."""
        settings = {k: getattr(cls, k) for k in dir(cls) if k.isupper()}
        settings["SQLALCHEMY_DATABASE_URI"] = overrides.pop("SQLALCHEMY_DATABASE_URI", None) or _database_url()
        settings["SECRET_KEY"] = overrides.pop("SECRET_KEY", None) or _secret_key()
        replica = overrides.pop("DATABASE_REPLICA_URL", None) or os.environ.get("DATABASE_REPLICA_URL")
        if replica:  # the leaders' screens and the exports read from it (webapp/replica.py)
            settings["SQLALCHEMY_BINDS"] = {"replica": _driver(replica)}
        settings.update(overrides)
        return settings
