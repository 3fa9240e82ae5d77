"""Marshmallow schemas of the API: they parse the input and generate the OpenAPI document."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

ID = validate.Length(min=1, max=100)


class Schema(ma.Schema):
    """Unknown fields in a request body are an error that names them."""

    class Meta:
        unknown = ma.RAISE
        ordered = True


class ProblemSchema(Schema):
    """An error as RFC 9457 problem details: a clear sentence in `detail`."""

    type = fields.String(metadata={"description": "Always about:blank"})
    title = fields.String(required=True, metadata={"description": "Short name of the error"})
    status = fields.Integer(required=True, metadata={"description": "HTTP status code"})
    detail = fields.String(required=True, metadata={"description": "What happened, what to do"})
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "Per field (e.g. 'answer.value'): what is wrong with it"},
    )
    current = fields.Raw(
        allow_none=True, metadata={"description": "On 409 for an answer: the answer as stored now"}
    )
    inventory_id = fields.Integer(
        metadata={"description": "On 409 for a new inventory: the one already in progress"}
    )


class UserSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)
    role = fields.String(required=True)
    municipality_ags = fields.String(allow_none=True, required=True)
    language = fields.String(allow_none=True, required=True)


class SearchArgs(Schema):
    q = fields.String(
        required=True,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "Name, postal code or official key (AGS)"},
    )
    limit = fields.Integer(load_default=10, validate=validate.Range(min=1, max=50))


class MunicipalitySchema(Schema):
    ags = fields.String(required=True, metadata={"description": "Official municipality key"})
    name = fields.String(required=True)
    district = fields.String(allow_none=True, required=True)
    state = fields.String(allow_none=True, required=True)
    population = fields.Integer(allow_none=True, required=True)
    postal_code = fields.String(allow_none=True, required=True)
    accessible = fields.Boolean(
        required=True, metadata={"description": "Whether your token may read its inventories"}
    )


class InventorySchema(Schema):
    id = fields.Integer(required=True)
    municipality_ags = fields.String(required=True)
    municipality_name = fields.String(required=True)
    questionnaire_id = fields.String(required=True)
    questionnaire_version = fields.String(required=True)
    status = fields.String(required=True)
    revision = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(allow_none=True, required=True)
    may_edit = fields.Boolean(
        required=True, metadata={"description": "Whether your token may change its answers"}
    )


class AnswerValueSchema(Schema):
    status = fields.String(
        required=True, validate=validate.OneOf(["answered", "dont_know", "not_applicable"])
    )
    value = fields.Raw(
        allow_none=True,
        metadata={
            "description": "For status 'answered': an option id (single), a list of option ids "
            "(multiple, ranking), true/false (yesno), a number, or a text"
        },
    )


class AnswerSchema(Schema):
    question_id = fields.String(required=True)
    answer = fields.Nested(AnswerValueSchema, allow_none=True, required=True)
    revision = fields.Integer(
        required=True, metadata={"description": "Send it back when you change the answer"}
    )
    updated_at = fields.DateTime(allow_none=True, required=True)
    updated_by = fields.String(allow_none=True, required=True)


class AnswerWriteSchema(Schema):
    revision = fields.Integer(
        required=True,
        validate=validate.Range(min=0, max=2_000_000_000),
        metadata={"description": "The revision you read (0 for a question never answered)"},
    )
    answer = fields.Nested(
        AnswerValueSchema,
        allow_none=True,
        required=True,
        metadata={"description": "The new answer; null clears it"},
    )


class CoverageSchema(Schema):
    answered = fields.Integer(required=True)
    shown = fields.Integer(required=True)


class OverallSchema(Schema):
    score = fields.Float(allow_none=True, required=True)
    level = fields.Integer(allow_none=True, required=True)
    provisional = fields.Boolean(required=True)
    provisional_level = fields.Integer(allow_none=True, required=True)
    coverage = fields.Nested(CoverageSchema, required=True)
    dont_know = fields.Integer(required=True)


class DomainResultSchema(Schema):
    id = fields.String(required=True)
    title = fields.String(required=True)
    applicable = fields.Boolean(required=True)
    not_applicable_reason = fields.String(allow_none=True, required=True)
    score = fields.Float(allow_none=True, required=True)
    level = fields.Integer(allow_none=True, required=True)
    gated_level = fields.Integer(allow_none=True, required=True)
    capped_by = fields.String(allow_none=True, required=True)
    cap_reason = fields.String(allow_none=True, required=True)
    coverage = fields.Nested(CoverageSchema, required=True)
    target = fields.Integer(allow_none=True, required=True)
    gap = fields.Integer(allow_none=True, required=True)


class ResultsSchema(Schema):
    questionnaire_id = fields.String(required=True)
    questionnaire_version = fields.String(required=True)
    computed_on = fields.Date(required=True)
    overall = fields.Nested(OverallSchema, required=True)
    domains = fields.List(fields.Nested(DomainResultSchema), required=True)


class RecommendationSchema(Schema):
    key = fields.String(required=True)
    rule = fields.String(required=True)
    kind = fields.String(required=True)
    target = fields.String(allow_none=True, required=True)
    domain = fields.String(allow_none=True, required=True)
    domains = fields.List(fields.String(), required=True)
    horizon = fields.String(required=True)
    priority = fields.Raw(allow_none=True, required=True)
    shortlisted = fields.Boolean(required=True)
    text = fields.String(required=True)
    because = fields.String(allow_none=True, required=True)


class PlanEntrySchema(Schema):
    key = fields.String(required=True)
    text = fields.String(required=True)
    status = fields.String(required=True)
    owner = fields.String(allow_none=True, required=True)
    due = fields.Date(allow_none=True, required=True)
    notes = fields.String(allow_none=True, required=True)


class PlanSchema(Schema):
    entries = fields.List(fields.Nested(PlanEntrySchema), required=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class SolutionArgs(Schema):
    domain = fields.String(load_default="", validate=validate.Length(max=100))
    listed_only = fields.Boolean(load_default=False)


class SolutionSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    summary = fields.String(required=True)
    domains = fields.List(fields.String(), required=True)
    categories = fields.List(fields.String(), required=True)
    licence = fields.String(required=True)
    open_source = fields.Boolean(required=True)
    open_standards = fields.List(fields.String(), required=True)
    hosting = fields.List(fields.String(), required=True)
    cost_band = fields.String(required=True)
    website = fields.String(allow_none=True, required=True)
    listing = fields.String(
        required=True, metadata={"description": "listed, pending_review or not_admitted"}
    )


class TrainingSchema(Schema):
    id = fields.String(required=True)
    title = fields.String(required=True)
    provider = fields.String(required=True)
    topics = fields.List(fields.String(), required=True)
    domains = fields.List(fields.String(), required=True)
    level = fields.String(required=True)
    format = fields.String(required=True)
    cost_band = fields.String(required=True)
    certificate = fields.Boolean(required=True)
    language = fields.String(required=True)
    url = fields.String(allow_none=True, required=True)


class ReportRequestSchema(Schema):
    edition = fields.String(
        load_default="full",
        validate=validate.OneOf(["full", "short"]),
        metadata={"description": "full: the whole report; short: the council edition"},
    )
    language = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(["de", "en"]),
        metadata={"description": "Language of the PDF (default: the request's language)"},
    )


class ReportJobSchema(Schema):
    id = fields.Integer(required=True)
    inventory_id = fields.Integer(required=True)
    edition = fields.String(required=True)
    language = fields.String(required=True)
    status = fields.String(
        required=True, metadata={"description": "queued, running, ready or failed"}
    )
    step = fields.Integer(required=True, metadata={"description": "Steps done so far"})
    steps = fields.Integer(required=True)
    message = fields.String(required=True, metadata={"description": "Where the job stands"})
    created_at = fields.DateTime(required=True)
    finished_at = fields.DateTime(allow_none=True, required=True)
    download = fields.String(
        allow_none=True, required=True, metadata={"description": "Path of the PDF once ready"}
    )
