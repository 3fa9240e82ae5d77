"""Language choice: the user's setting, then the session, then the browser, German by default."""

from __future__ import annotations

from collections.abc import Callable

from babel.support import Translations
from flask import Flask, current_app, has_request_context, request, session
from flask.globals import _cv_app
from flask_babel import Babel, Domain, get_translations
from flask_login import current_user


def select_locale() -> str:
    """Return the language of this request."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # command line: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    chosen = session.get("language")
    if chosen in languages:
        return chosen
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def _translations(lookup: Callable[[], Translations] = get_translations) -> Translations:
    """Return the translations of this request's language, looked up once per language.

    Flask-Babel's own lookup (domain, locale, cache) runs for every `_()`, a few hundred times
    per page, and was about a fifth of the domain, results and report pages. The answer is kept
    on Flask-Babel's per-request namespace next to the locale and domain it was made for;
    `force_locale` and `refresh` replace that locale object, so a changed language is looked
    up again with `lookup`.
    """
    app_context = _cv_app.get(None)
    namespace = app_context.g.__dict__.get("_flask_babel") if app_context is not None else None
    if namespace is not None:
        kept = namespace.__dict__.get("advisory_translations")
        if (
            kept is not None
            and kept[0] is namespace.__dict__.get("babel_locale")
            and kept[1] is namespace.__dict__.get("babel_domain")
        ):
            return kept[2]
    translations = lookup()
    namespace = app_context.g.__dict__.get("_flask_babel") if app_context is not None else None
    locale = namespace.__dict__.get("babel_locale") if namespace is not None else None
    if locale is not None:
        domain = namespace.__dict__.get("babel_domain")
        namespace.advisory_translations = (locale, domain, translations)
    return translations


class _RequestDomain(Domain):
    """Flask-Babel's message domain, translating through `_translations` (Python code)."""

    def get_translations(self) -> Translations:
        return _translations(super().get_translations)


def install_fast_translations(app: Flask, babel: Babel) -> None:
    """Translate in templates and code through `_translations` (call after `babel.init_app`)."""
    if not isinstance(babel.__dict__.get("domain_instance"), _RequestDomain):
        with app.app_context():
            babel.domain_instance = _RequestDomain(domain=babel.domain)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )
