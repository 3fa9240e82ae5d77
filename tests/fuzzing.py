"""A seeded generator of hostile requests for every form route (used by tests and benchmarks).

Each case is one request: a route of the app's URL map (every POST route, and GET routes with
query strings), its path arguments either valid (the user's own inventory, a real question) or
hostile, and form fields with the names the views read, filled with valid choices or with
hostile values (NUL bytes, control characters, '²', 400 nines, ids beyond 2^63, formulas, very
long texts). A response ≥ 500 is a failure. CSRF is switched off in the app under test so that
the cases reach the views.
"""

from __future__ import annotations

import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote

from werkzeug.datastructures import MultiDict

HOSTILE = [
    "",
    " ",
    "0",
    "1",
    "-1",
    "²",
    "٣",
    "1e309",
    "NaN",
    "-inf",
    "12,5",
    "12.000",
    "9" * 400,
    "9" * 5000,
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "\x00",
    "a\x00b",
    "vor\x01nach",
    "\x0b",
    "\x7f",
    "\r\n",
    "\t",
    '=HYPERLINK("http://attacker.example/","x")',
    "+1",
    "@SUM(1)",
    "<script>alert(1)</script>",
    "'; DROP TABLE answer; --",
    "../../etc/passwd",
    "%00",
    "🙂" * 50,
    "ä" * 300,
    "x" * 3000,
    "true",
    "null",
    "[]",
    "{}",
    "//evil.example/",
    "/\t/evil.example/",
    "\ud7ff",
]

# Field names per endpoint besides those derived from questions; unknown endpoints get these.
GENERIC_FIELDS = ["name", "email", "reason", "note", "value", "status", "id", "title", "text"]
FIELDS = {
    "main.set_language": ["language", "next"],
    "auth.login": ["email", "password", "next"],
    "auth.password": ["current_password", "new_password"],
    "assessments.applicability": ["not_applicable", "reason"],
    "catalogue.review": ["status", "evidence", "note", "reviewed_on"],
    "catalogue.edit": [
        "summary_de",
        "summary_en",
        "description_de",
        "cost_band",
        "hosting",
        "open_standards",
        "min_population",
        "max_population",
        "website",
    ],
    "admin.new_user": ["email", "name", "role", "municipality", "scopes", "password"],
    "admin.edit_user": ["name", "role", "municipality", "scopes", "active"],
    "admin.reset_user_password": ["password"],
}
QUERY_FIELDS = ["q", "population", "domain", "standard", "open_source", "hosting", "listed",
                "id", "role", "lang", "next", "page", "ags"]  # fmt: skip
# Never sent: they would end the signed-in session the cases rely on.
SKIPPED = {"auth.logout", "static", "report.pdf"}


@dataclass
class World:
    """Valid values the generator mixes in: the users' own objects and real content ids."""

    assessment_ids: list[int]
    ags: list[str]
    section_ids: list[str]
    questions: list  # questionnaires.Question
    solution_ids: list[str]
    user_ids: list[int]
    domain_ids: list[str]


@dataclass
class Case:
    method: str
    endpoint: str
    path: str
    query: list[tuple[str, str]] = field(default_factory=list)
    form: list[tuple[str, str]] = field(default_factory=list)


def _valid_argument(name: str, world: World, rng: random.Random) -> str:
    pools = {
        "assessment_id": [str(i) for i in world.assessment_ids],
        "ags": world.ags,
        "section_id": world.section_ids,
        "question_id": [q.id for q in world.questions],
        "solution_id": world.solution_ids,
        "user_id": [str(i) for i in world.user_ids],
    }
    return rng.choice(pools.get(name) or ["1"])


def _path(rule, world: World, rng: random.Random) -> str:
    path = rule.rule
    for name in rule.arguments:
        value = (
            _valid_argument(name, world, rng) if rng.random() < 0.8 else rng.choice(HOSTILE)
        ) or "x"
        quoted = quote(value, safe="")
        path = re.sub(rf"<(?:[^:>]+:)?{name}>", lambda _match, q=quoted: q, path)
    return path


def _value(rng: random.Random, choices: list[str]) -> str:
    return rng.choice(choices) if choices and rng.random() < 0.6 else rng.choice(HOSTILE)


def _question_fields(question, world: World, rng: random.Random) -> list[tuple[str, str]]:
    name = f"q-{question.id}"
    options = [o.id for o in question.options]
    fields = [(f"present-{question.id}", "1")]
    revision = rng.choice(["0", "1", "2", *HOSTILE[:20]])
    fields.append((f"rev-{question.id}", revision))
    if question.type == "matrix":
        for row in question.rows:
            fields.append((f"{name}.{row.id}", _value(rng, options)))
    elif question.type == "ranking":
        for option in options:
            fields.append((f"{name}.{option}", _value(rng, [str(i) for i in range(1, 6)])))
    elif question.type == "yesno":
        fields.append((name, _value(rng, ["yes", "no"])))
    elif question.type in ("single", "multiple"):
        for _ in range(rng.randint(0, 3)):
            fields.append((name, _value(rng, options)))
    else:
        fields.append((name, _value(rng, ["12", "1.500", "3,5", "Ein Text"])))
    if rng.random() < 0.15:
        fields.append((f"s-{question.id}", rng.choice(["dont_know", "not_applicable", "x"])))
    if rng.random() < 0.05:
        fields.append(("discard", question.id))
    return fields


def make_case(rules, world: World, rng: random.Random) -> Case:
    """Return one request: three in four go to a form route, the rest to a page with a query."""
    forms = [rule for rule in rules if "POST" in rule.methods]
    pages = [rule for rule in rules if "POST" not in rule.methods] or forms
    rule = rng.choice(forms if rng.random() < 0.75 else pages)
    method = "POST" if "POST" in rule.methods and rng.random() < 0.85 else "GET"
    case = Case(method, rule.endpoint, _path(rule, world, rng))
    if method == "GET":
        for _ in range(rng.randint(0, 3)):
            case.query.append((rng.choice(QUERY_FIELDS), _value(rng, world.ags + world.domain_ids)))
        return case
    if rule.endpoint in ("assessments.save_one", "assessments.section"):
        count = 1 if rule.endpoint == "assessments.save_one" else rng.randint(1, 4)
        for question in rng.sample(world.questions, count):
            case.form.extend(_question_fields(question, world, rng))
        if rule.endpoint == "assessments.section" and rng.random() < 0.3:
            case.form.append(("next_section", _value(rng, world.section_ids)))
    elif rule.endpoint == "assessments.targets":
        for domain in rng.sample(world.domain_ids, 3):
            case.form.append((f"target-{domain}", _value(rng, ["1", "3", "5"])))
    else:
        names = FIELDS.get(rule.endpoint, GENERIC_FIELDS)
        valid = ["1", "de", "en", "admin", "advisor", "municipal_editor", "07", "yes", *world.ags]
        for name in rng.sample(names, rng.randint(1, len(names))):
            case.form.append((name, _value(rng, valid)))
    if rng.random() < 0.1:  # a field nobody expects
        case.form.append((rng.choice(HOSTILE) or "x", rng.choice(HOSTILE)))
    return case


def form_rules(app) -> list:
    """Return the URL rules to fuzz: every route except those that end the session."""
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in SKIPPED and {"GET", "POST"} & rule.methods
    ]


@dataclass
class Report:
    cases: int
    seconds: float
    failures: list[tuple[str, Case, int]]
    statuses: Counter
    endpoints: Counter


def build_world(app, ags: list[str], user_ids: list[int], assessment_ids: list[int]) -> World:
    """Collect the valid values from the app's content."""
    from advisory.content import current_questionnaire
    from advisory.extensions import db
    from advisory.services.catalogue import current_catalogue

    questionnaire = current_questionnaire()
    with app.app_context():
        solutions = [s.id for s in current_catalogue(db.session).solutions][:20]
    return World(
        assessment_ids=assessment_ids,
        ags=ags,
        section_ids=["profile", *(d.id for d in questionnaire.domains)],
        questions=[q for s in (questionnaire.profile, *questionnaire.domains) for q in s.questions],
        solution_ids=solutions,
        user_ids=user_ids,
        domain_ids=[d.id for d in questionnaire.domains],
    )


def describe(report: Report) -> str:
    """Return a summary: cases, time, status codes, and the first failures."""
    lines = [
        f"{report.cases} cases in {report.seconds:.1f} s, {len(report.endpoints)} route/method "
        f"pairs, statuses {dict(sorted(report.statuses.items()))}, failures {len(report.failures)}"
    ]
    for who, case, status in report.failures[:10]:
        lines.append(f"  {status} as {who}: {case.method} {case.path} {case.query} {case.form}")
    return "\n".join(lines)


def run(app, clients: dict[str, object], world: World, cases: int, seed: int = 13) -> Report:
    """Send `cases` generated requests, round-robin over the signed-in clients."""
    rng = random.Random(seed)  # noqa: S311 - reproducible cases, not secrets
    rules = form_rules(app)
    failures = []
    statuses: Counter = Counter()
    endpoints: Counter = Counter()
    names = list(clients)
    started = time.perf_counter()
    for index in range(cases):
        who = names[index % len(names)]
        case = make_case(rules, world, rng)
        response = clients[who].open(
            case.path,
            method=case.method,
            query_string=case.query,
            data=MultiDict(case.form) if case.method == "POST" else None,
            headers={"Accept": "application/json"} if rng.random() < 0.3 else {},
        )
        statuses[response.status_code] += 1
        endpoints[case.endpoint, case.method] += 1
        if response.status_code >= 500:
            failures.append((who, case, response.status_code))
    return Report(cases, time.perf_counter() - started, failures, statuses, endpoints)
