"""The API documentation page: server-rendered HTML from the same OpenAPI document."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, current_app, render_template

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool
    description: str = ""


@dataclass(frozen=True)
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Field]
    body: str | None
    responses: list[tuple[str, str, str | None]]


@dataclass(frozen=True)
class SchemaDoc:
    name: str
    fields: list[Field] = field(default_factory=list)


def _type(schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    kind = schema.get("type", "any")
    if isinstance(kind, list):
        kind = " | ".join(kind)
    if kind == "array":
        return f"list of {_type(schema.get('items', {}))}"
    if "allOf" in schema:
        return " & ".join(_type(s) for s in schema["allOf"])
    return str(kind)


def _content_type(content: dict) -> str | None:
    for media in content.values():
        return _type(media.get("schema", {}))
    return None


def _operations(spec: dict) -> list[Operation]:
    responses = spec.get("components", {}).get("responses", {})
    result = []
    for path, item in spec.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = [
                Field(
                    f"{p['name']} ({p['in']})",
                    _type(p.get("schema", {})),
                    p.get("required", False),
                    p.get("description", ""),
                )
                for p in [*shared, *op.get("parameters", [])]
            ]
            body = op.get("requestBody")
            docs = []
            for code, response in op.get("responses", {}).items():
                if "$ref" in response:
                    response = responses.get(response["$ref"].rsplit("/", 1)[-1], {})
                docs.append(
                    (
                        code,
                        response.get("description", ""),
                        _content_type(response.get("content", {})),
                    )
                )
            summary, _sep, description = (op.get("description") or "").partition("\n")
            result.append(
                Operation(
                    anchor=f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""),
                    method=method.upper(),
                    path=path,
                    summary=op.get("summary") or summary.strip(),
                    description=description.strip(),
                    parameters=params,
                    body=_content_type(body.get("content", {})) if body else None,
                    responses=docs,
                )
            )
    return result


def _schemas(spec: dict) -> list[SchemaDoc]:
    result = []
    for name, schema in sorted(spec.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        result.append(
            SchemaDoc(
                name,
                [
                    Field(key, _type(value), key in required, value.get("description", ""))
                    for key, value in schema.get("properties", {}).items()
                ],
            )
        )
    return result


@bp.get("/docs")
def page():
    """Show every operation and schema of the OpenAPI document as an accessible page."""
    spec = current_app.extensions["advisory.api"].spec.to_dict()
    return render_template(
        "api/docs.html",
        info=spec["info"],
        version=spec["openapi"],
        operations=_operations(spec),
        schemas=_schemas(spec),
    )
