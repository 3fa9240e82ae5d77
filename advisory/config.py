"""Configuration defaults; every key can be overridden by an ADVISORY_ environment variable."""

from __future__ import annotations

DEFAULT_SECRET_KEY = "dev-only-insecure-key"  # noqa: S105 - refused outside debug/testing


class ConfigError(RuntimeError):
    """The configuration cannot run safely."""


def defaults() -> dict[str, object]:
    """Return the default configuration; the database is a SQLite file in the instance folder."""
    return {
        "SECRET_KEY": DEFAULT_SECRET_KEY,
        "DATABASE_URL": "sqlite:///advisory.sqlite3",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PERMANENT_SESSION_LIFETIME": 8 * 3600,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "BABEL_DEFAULT_LOCALE": "de",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Berlin",
        "LANGUAGES": ["de", "en"],
        "LOGIN_MAX_FAILURES": 5,
        # The operator's address for accessibility feedback and questions (shown on the pages).
        "CONTACT_EMAIL": None,
        "LOGIN_LOCK_MINUTES": 15,
        # Sign-in attempts (POST /login) per client address over all accounts (Flask-Limiter).
        "LOGIN_RATE_LIMIT": "10/minute;100/hour",
        # Requests to the REST API /api/v1 per token (Flask-Limiter notation).
        "API_RATE_LIMIT": "120/minute;3000/hour",
        # Forgotten-password requests and reset submissions per client address.
        "PASSWORD_RESET_RATE_LIMIT": "5/minute;20/hour",
        # Strict-Transport-Security max-age for responses served over HTTPS; 0 sends none.
        "HSTS_SECONDS": 365 * 24 * 3600,
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto headers are trusted
        # (0: none). Needed for the per-address limits and for HSTS behind a TLS proxy.
        "PROXY_COUNT": 0,
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        # Outgoing mail (invitations): off unless MAIL_SERVER is set (Flask-Mailman settings).
        "MAIL_SERVER": None,
        "MAIL_PORT": 587,
        "MAIL_USE_TLS": True,
        "MAIL_USE_SSL": False,
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
        "MAIL_DEFAULT_SENDER": None,
        "MAIL_TIMEOUT": 10,
        # Days an invitation link stays valid.
        "INVITATION_DAYS": 7,
        # Questionnaire folders offered besides the shipped Smart-City-Inventur (a JSON list or
        # folders separated by ":"), the folder uploads go to (default: instance/content) and
        # the questionnaire new inventories start on (see advisory/content.py).
        "CONTENT_DIRS": [],
        "CONTENT_UPLOAD_DIR": None,
        "DEFAULT_QUESTIONNAIRE": "smart-city-inventur",
        # Neighbours within this distance (or in the same district) are cooperation candidates.
        "COOPERATION_DISTANCE_KM": 25,
        # Keep the portfolio dashboard's rendered table per worker until a summary changes.
        "PORTFOLIO_CACHE": True,
        # Rendered questions of the domain pages kept per worker (0: none; see fragments.py).
        "FRAGMENT_CACHE": 2000,
    }


def engine_options(url: str) -> dict[str, object]:
    """Return SQLAlchemy engine options suited to the database behind the URL."""
    if url.startswith("sqlite"):
        # Several gunicorn workers share one SQLite file: wait for locks instead of failing.
        return {"url": url, "connect_args": {"timeout": 30}}
    return {"url": url, "pool_pre_ping": True}


def check_secret_key(config: dict) -> None:
    """Refuse to run in production with the default secret key."""
    if config.get("DEBUG") or config.get("TESTING"):
        return
    if config.get("SECRET_KEY") in (None, "", DEFAULT_SECRET_KEY):
        raise ConfigError(
            "Refusing to start: set ADVISORY_SECRET_KEY to a long random value "
            "(for example: python3 -c 'import secrets; print(secrets.token_hex(32))'). "
            "The built-in key is only for development (ADVISORY_DEBUG=1)."
        )
