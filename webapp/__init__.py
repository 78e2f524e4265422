"""Shaodian: the app factory."""
from __future__ import annotations

from flask import Flask

from . import assets, compression, database, security
from .config import BASE_DIR, INSTANCE_DIR, Config
from .errors import register_error_handlers
from flask_babel import refresh as refresh_locale

from .extensions import babel, csrf, db, limiter, login_manager, migrate, select_locale


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(INSTANCE_DIR),
                static_folder=str(BASE_DIR / "static"), static_url_path="/static")
    app.config.update(Config.load(**(overrides or {})))
    _init_extensions(app)
    _register_blueprints(app)
    register_error_handlers(app)
    security.init_app(app)
    _register_template_helpers(app)
    from .cli import register_cli
    register_cli(app)
    return app


def _import_models() -> None:
    """Every area's models, so that Alembic and create_all see the whole schema."""
    from .audit import models as _audit  # noqa: F401
    from .duty import models as _duty  # noqa: F401
    from .health import models as _health  # noqa: F401
    from .jobs import models as _jobs  # noqa: F401
    from .ledgers import models as _ledgers  # noqa: F401
    from .org import models as _org, roll as _roll, settings as _settings  # noqa: F401
    from .notices import models as _notices  # noqa: F401
    from .quality import models as _quality  # noqa: F401
    from .sync import models as _sync  # noqa: F401
    from .tracking import models as _tracking  # noqa: F401


def _register_record_kinds() -> None:
    """Each area declares its field record kinds and reference data; the sync engine knows none."""
    from .duty import records as _duty  # noqa: F401
    from .health import records as _health  # noqa: F401
    from .notices import operations as _notice_items, records as _notices  # noqa: F401
    from .ledgers import records as _ledgers  # noqa: F401
    from .org import reference as _org  # noqa: F401
    from .tracking import records as _tracking, reference as _tracking_reference  # noqa: F401
    # ... and which of their tables hold personal records that the county's retention removes.
    from .health import retention as _health_kept  # noqa: F401
    from .tracking import retention as _tracking_kept  # noqa: F401


def _init_extensions(app: Flask) -> None:
    _import_models()
    _register_record_kinds()
    from .org import county
    county.install()  # every new row gets its county key (org/county.py)
    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    compression.init_app(app)
    assets.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(BASE_DIR / "webapp" / "translations"))
    # Flask-Babel caches the locale on the app context, which a test client shares across requests.
    app.before_request(refresh_locale)
    from .org import access
    access.init_login(app, login_manager)
    from .jobs import worker
    worker.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from .accountability.routes import bp as accountability_bp
    from .dashboard.command_views import bp as command_bp
    from .dashboard.trend_views import bp as trends_bp
    from .notices.routes import bp as notices_bp
    from .quality.routes import bp as quality_bp
    from .audit.routes import bp as audit_bp
    from .dashboard.routes import bp as dashboard_bp
    from .duty.public import bp as public_bp
    from .duty.routes import bp as duty_bp
    from .health.routes import bp as health_bp
    from .jobs.routes import bp as jobs_bp
    from .org.auth import bp as auth_bp
    from .org.import_routes import bp as imports_bp
    from .org import bp as org_bp
    from .org import account_views, duplicate_views, people_views, staff_views, unit_views  # noqa: F401  (they fill org's bp)
    from .org.settings import bp as settings_bp
    from .pwa.routes import bp as pwa_bp
    from .sync.routes import bp as sync_bp
    from .sync.upload import bp as sync_upload_bp
    from .tracking import bp as tracking_bp
    from .tracking import admin_views, person_views, routes as _tracking_routes  # noqa: F401  (they fill its bp)

    for blueprint in (auth_bp, audit_bp, org_bp, imports_bp, settings_bp, dashboard_bp, health_bp, jobs_bp, duty_bp, public_bp,
                      sync_bp, sync_upload_bp, pwa_bp, accountability_bp, quality_bp, tracking_bp, notices_bp,
                      trends_bp, command_bp):
        app.register_blueprint(blueprint)
    from . import ledgers
    ledgers.register_blueprints(app)


def _register_template_helpers(app: Flask) -> None:
    from flask_babel import get_locale

    from .navigation import nav_items

    @app.context_processor
    def helpers():
        return {"nav_items": nav_items, "current_locale": lambda: str(get_locale() or "zh")}
