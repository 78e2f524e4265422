"""The Flask extensions, created once and bound to the app in create_app()."""
from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData

from .replica import RoutingSession

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
naming = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# The session routes reads to the replica inside replica.reading() (DATABASE_REPLICA_URL).
db = SQLAlchemy(metadata=MetaData(naming_convention=naming), session_options={"class_": RoutingSession})
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def select_locale():
    """The language the user chose (cookie), else Chinese: the users speak Chinese."""
    chosen = request.cookies.get("lang")
    return chosen if chosen in ("zh", "en") else "zh"


babel = Babel()
