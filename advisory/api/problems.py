"""Errors of the API as RFC 9457 problem details, with a clear sentence in the user's language."""

from __future__ import annotations

from flask import Response, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

MEDIA_TYPE = "application/problem+json"
PREFIX = "/api/"


def is_api_request() -> bool:
    """Tell whether the request is for the API (its errors are problem details, not pages)."""
    return request.path.startswith(PREFIX)


def _detail(code: int) -> str:
    details = {
        400: _("The request could not be read. Check its syntax and send it again."),
        401: _(
            "This request needs a valid API token: send the header "
            "'Authorization: Bearer <token>'. Create a token on your account page."
        ),
        403: _("Your account may not do this. Ask your administrator if you need access."),
        404: _("There is no such object, or your account may not see it. Check the address."),
        405: _("This address does not accept this method. See the API documentation."),
        409: _("The object was changed meanwhile. Load it again and repeat your change."),
        413: _("The request is too large."),
        415: _("Send the request body as JSON (Content-Type: application/json)."),
        422: _("Some fields are invalid. Correct them and send the request again."),
        429: _(
            "Too many requests with this token. Wait as many seconds as the Retry-After "
            "header says, then try again."
        ),
        500: _("Something went wrong on our side. Please try again later."),
    }
    return details.get(code, details[500] if code >= 500 else details[400])


def problem(
    code: int,
    detail: str | None = None,
    *,
    errors: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    **extra,
) -> Response:
    """Return a problem response: title, status, a sentence and, for input errors, per field."""
    from werkzeug.http import HTTP_STATUS_CODES

    body: dict[str, object] = {
        "type": "about:blank",
        "title": HTTP_STATUS_CODES.get(code, "Error"),
        "status": code,
        "detail": detail or _detail(code),
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    response = jsonify(body)
    response.status_code = code
    response.mimetype = MEDIA_TYPE
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def from_exception(error: HTTPException) -> Response:
    """Turn an HTTP error raised anywhere under /api/ into a problem response."""
    code = error.code or 500
    data = getattr(error, "data", None) or {}
    if code == 422 and "messages" in data:
        return invalid_fields(data["messages"])
    detail = data.get("detail") if isinstance(data, dict) else None
    headers = {}
    if code == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    return problem(code, detail, headers=headers)


def invalid_fields(messages: dict) -> Response:
    """Return a 422 naming every invalid field (from webargs/marshmallow messages)."""
    errors: dict[str, str] = {}
    _flatten(messages, "", errors)
    names = ", ".join(sorted(errors)) or "?"
    return problem(
        422,
        _(
            "These fields are invalid: %(names)s. Correct them and send the request again.",
            names=names,
        ),
        errors=errors,
    )


def _flatten(messages, path: str, into: dict[str, str]) -> None:
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key in ("json", "query", "path", "headers") and not path:
                _flatten(value, "", into)
            else:
                _flatten(value, f"{path}.{key}" if path else str(key), into)
    elif isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages):
        into[path or "body"] = _field_message(messages[0])
    elif isinstance(messages, list):
        for index, value in enumerate(messages):
            _flatten(value, f"{path}[{index}]", into)
    else:
        into[path or "body"] = _field_message(str(messages))


_RANGE_MESSAGES = ("Must be greater", "Must be less", "Length must be", "Shorter", "Longer")


def _field_message(text: str) -> str:
    """Translate marshmallow's standard messages; keep the original for the rest."""
    known = {
        "Missing data for required field.": _("This field is required."),
        "Unknown field.": _("This field is unknown; remove it."),
        "Not a valid integer.": _("Enter a whole number."),
        "Not a valid string.": _("Enter a text."),
        "Not a valid boolean.": _("Enter true or false."),
        "Field may not be null.": _("This field may not be null."),
        "Invalid input type.": _("This value has the wrong type."),
        "Invalid value.": _("This value is not allowed."),
    }
    if text in known:
        return known[text]
    choices = "Must be one of:"
    if text.startswith(choices):
        return _(
            "Choose one of the allowed values: %(values)s", values=text[len(choices) :].strip(" .")
        )
    if text.startswith(_RANGE_MESSAGES):
        return _("The value is out of range (%(rule)s).", rule=text)
    return text
