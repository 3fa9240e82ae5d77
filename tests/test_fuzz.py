"""Fuzzing every form route as editor and advisor (and curator, admin): no response ≥ 500.

ADVISORY_FUZZ_CASES sets the number of cases (default 2,000, about a minute on a quiet machine);
`benchmarks/fuzz.py` runs 10,000 and more against the same generator.
"""

from __future__ import annotations

import os

from advisory.models import Role
from tests import fuzzing
from tests.conftest import Auth

VILLAGE = "07333001"  # the editor's own municipality, in the advisor's portfolio (state 07)
CITY = "08115021"  # another state's municipality: outside both


def signed_in_clients(app, make_user, make_assessment) -> tuple[dict, fuzzing.World]:
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=VILLAGE)
    stranger = make_user(Role.MUNICIPAL_EDITOR, ags=CITY)
    users = {
        "editor": editor,
        "advisor": make_user(Role.ADVISOR, scopes="07"),
        "curator": make_user(Role.CURATOR),
        "admin": make_user(Role.ADMIN),
    }
    own, foreign = make_assessment(VILLAGE, editor), make_assessment(CITY, stranger)
    clients = {}
    for name, user in users.items():
        auth = Auth(app.test_client())
        assert auth.login(user.email).status_code == 302
        clients[name] = auth.client
    app.config["WTF_CSRF_ENABLED"] = False  # reach the views; CSRF has its own tests
    world = fuzzing.build_world(
        app,
        ags=[VILLAGE, CITY],
        user_ids=[stranger.id, editor.id],
        assessment_ids=[own, own, foreign],
    )
    return clients, world


def test_no_generated_request_gets_a_server_error(app, make_user, make_assessment):
    clients, world = signed_in_clients(app, make_user, make_assessment)
    # Mostly the roles the issue names; curator and admin reach their own forms.
    weighted = {
        "editor": clients["editor"],
        "advisor": clients["advisor"],
        "editor ": clients["editor"],
        "advisor ": clients["advisor"],
        "curator": clients["curator"],
        "admin": clients["admin"],
    }
    cases = int(os.environ.get("ADVISORY_FUZZ_CASES", "2000"))
    report = fuzzing.run(app, weighted, world, cases)
    print(fuzzing.describe(report))
    assert not report.failures, fuzzing.describe(report)
    posted = {endpoint for endpoint, method in report.endpoints if method == "POST"}
    form_routes = {rule.endpoint for rule in fuzzing.form_rules(app) if "POST" in rule.methods}
    assert form_routes <= posted, form_routes - posted
    # The cases reached the views, not only the error pages.
    assert report.statuses[200] + report.statuses[302] > cases // 10
