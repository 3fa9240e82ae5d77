"""Work a web worker would otherwise do on its first requests, done before it takes any.

gunicorn calls `warm_up` in each new worker (`post_worker_init` in `advisory/gunicorn_conf.py`)
before the worker accepts connections, so that neither the first users after a start nor those
after a worker is replaced (`max_requests`) wait for it; the other workers serve meanwhile.
Measured in a fresh worker: compiling the templates took about 1.1 s, reading the content
(questionnaires, rules, catalogue) about 0.9 s and the chart library's lazy imports about 0.5 s
of its first three pages. A worker reads the content as it is when it starts (as on first use).
"""

from __future__ import annotations

from flask import Flask


def warm_up(app: Flask) -> int:
    """Compile every template, read the content and import the chart library; return how many
    templates were compiled."""
    environment = app.jinja_env
    names = environment.list_templates(filter_func=lambda name: name.endswith((".html", ".txt")))
    for name in names:
        environment.get_template(name)
    with app.app_context():
        from advisory.content import offered_questionnaires
        from advisory.services.catalogue import shipped_catalogue
        from advisory.services.results import _rules

        for questionnaire in offered_questionnaires():
            _rules(questionnaire.id, questionnaire.version)
        shipped_catalogue()
    import plotly.graph_objects as go

    # One figure of each kind the pages draw imports what plotly otherwise imports on first use.
    go.Figure(
        [go.Scatterpolar(r=[1], theta=["a"]), go.Bar(x=[1], y=["a"], orientation="h")]
    ).to_plotly_json()
    return len(names)
