"""The advisory web application: create_app() and nothing else."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from advisory import config as settings
from advisory.database import tune_sqlite
from advisory.extensions import babel, csrf, db, login_manager


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the application."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(_templates_folder()),
    )
    app.config.from_mapping(settings.defaults())
    if test_config is None:
        app.config.from_prefixed_env("ADVISORY")
    else:
        app.config.from_mapping(test_config)
    settings.check_secret_key(app.config)
    from advisory.inputs import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=0)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    db.init_app(app, settings.engine_options(_database_url(app)))
    with app.app_context():
        tune_sqlite(db.engine)
    csrf.init_app(app)
    login_manager.init_app(app)

    from advisory import blueprints, i18n, queue, ratelimit, security
    from advisory.services import mail

    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.install_fast_translations(app, babel)
    security.init_app(app)
    mail.init_mail(app)
    queue.init_app(app)
    blueprints.register_blueprints(app)
    with app.app_context():
        ratelimit.init_app(app, db.engine)

    from advisory.cli import register_commands

    register_commands(app)
    return app


def _database_url(app: Flask) -> str:
    """Return the database URL; a relative SQLite path lives in the instance folder."""
    url: str = app.config["DATABASE_URL"]
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and url != "sqlite://":
        return prefix + str(Path(app.instance_path) / url[len(prefix) :])
    return url


def _templates_folder() -> Path:
    """Return the templates folder: inside the package when installed, beside it in a checkout."""
    packaged = Path(__file__).parent / "templates"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "templates"
