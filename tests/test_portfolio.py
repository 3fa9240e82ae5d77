"""The advisors' portfolio dashboard: summaries kept on save, filters, sorting, paging, exports."""

from __future__ import annotations

import csv
import html
import io
import re
import threading

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, select, text

from advisory.content import current_questionnaire
from advisory.demo import demo_set
from advisory.exports import assessment_data, import_assessment
from advisory.extensions import db
from advisory.models import Assessment, AssessmentStatus, InventorySummary, Role, User
from advisory.services import portfolio
from advisory.services.assessments import import_answers, save_answer
from advisory.services.results import compute_results, score_assessment, set_targets
from questionnaires import Answer
from tests.conftest import Auth

VILLAGE = "07333001"  # Albisheim (Pfrimm), Donnersbergkreis, Rhineland-Palatinate
NEIGHBOUR = "07333006"  # Biedesheim, same district and association
TOWN = "08115021"  # Herrenberg, Baden-Württemberg
MAINZ = "07315000"


def _with_answers(app, make_assessment, ags: str, user, demo: str = "town") -> int:
    assessment_id = make_assessment(ags, user)
    with app.app_context():
        import_answers(
            db.session,
            db.session.get(Assessment, assessment_id),
            current_questionnaire(),
            demo_set(demo)["answers"],
            db.session.get(User, user.id),
        )
    return assessment_id


def _set_status(app, assessment_id: int, status: AssessmentStatus) -> None:
    with app.app_context():
        db.session.get(Assessment, assessment_id).status = status
        db.session.commit()


def _advisor(auth, make_user, scopes: str = "07") -> User:
    advisor = make_user(Role.ADVISOR, scopes=scopes)
    auth.login(advisor.email)
    return advisor


def _names(page: str) -> list[str]:
    """Return the municipality names of the portfolio table, in order."""
    body = page.split('class="data-table portfolio-table"', 1)[1].split("</table>", 1)[0]
    return [
        html.unescape(n) for n in re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', body)
    ]


# --- summaries ---------------------------------------------------------------------------------


def test_the_summary_equals_the_results_page(app, make_user, make_assessment):
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=TOWN)
    assessment_id = _with_answers(app, make_assessment, TOWN, editor)
    summary = _summary_equals_results(app, assessment_id)
    assert summary.score is not None and summary.completion > 50


def _summary_equals_results(app, assessment_id: int) -> InventorySummary:
    """Check that the stored summary is what the results page computes; return it."""
    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        scores = compute_results(db.session, assessment).scores
        summary = db.session.get(InventorySummary, assessment_id)
        assert summary.revision == assessment.revision
        assert (summary.score, summary.level) == (scores.score, scores.level)
        assert (summary.answered, summary.shown) == (
            scores.coverage.answered,
            scores.coverage.shown,
        )
        for domain in scores.domains:
            assert summary.domains[domain.id]["score"] == domain.score
            assert summary.domains[domain.id]["level"] == domain.level
        assert portfolio.stale_assessments(db.session) == []
        db.session.expunge(summary)
        return summary


def test_a_save_changes_the_dashboard_numbers(app, auth, make_user, make_assessment):
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=VILLAGE)
    assessment_id = make_assessment(VILLAGE, editor)
    _advisor(auth, make_user, "07333")
    before = auth.client.get("/portfolio/?q=Albisheim").get_data(as_text=True)
    assert "0 %" in before
    editor_client = Auth(app.test_client())
    editor_client.login(editor.email)
    saved = editor_client.post(
        f"/assessments/{assessment_id}/answers/strategy.budget",
        {
            "present-strategy.budget": "1",
            "rev-strategy.budget": "0",
            "q-strategy.budget": "multi_year",
        },
        token_from=f"/assessments/{assessment_id}/sections/strategy",
    )
    assert saved.status_code == 200, saved.get_data(as_text=True)
    after = auth.client.get("/portfolio/?q=Albisheim").get_data(as_text=True)
    assert "0 %" not in after
    with app.app_context():
        summary = db.session.get(InventorySummary, assessment_id)
        assert summary.answered == 1
        assert summary.revision == db.session.get(Assessment, assessment_id).revision


def test_saves_at_the_same_moment_leave_the_summary_of_the_last_one(
    app, make_user, make_assessment
):
    """Four colleagues save different answers of one inventory at once, again and again: each
    answer is stored first and the summary follows; it ends with the figures of the last state."""
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=TOWN)
    assessment_id = _with_answers(app, make_assessment, TOWN, editor)
    questions = {
        "strategy.budget": ["none", "case_by_case", "budget_line", "multi_year"],
        "strategy.prioritisation": ["none", "by_request", "criteria", "portfolio"],
        "strategy.responsibility": ["none", "side_task", "named", "shared_administration"],
        "strategy.digital_goals": ["none", "informal", "in_existing", "own_strategy"],
    }
    failures = []

    def colleague(question: str, values: list[str]) -> None:
        client = Auth(app.test_client())
        client.login(editor.email)
        page = f"/assessments/{assessment_id}/sections/strategy"
        token = client.csrf_token(page)
        with app.app_context():
            revision = _revision(assessment_id, question) or 0
        for value in values * 2:
            response = client.client.post(
                f"/assessments/{assessment_id}/answers/{question}",
                data={
                    "csrf_token": token,
                    f"present-{question}": "1",
                    f"rev-{question}": str(revision),
                    f"q-{question}": value,
                },
                headers={"Accept": "application/json"},
            )
            if response.status_code != 200:
                failures.append((question, response.status_code, response.get_data(as_text=True)))
                return
            revision = response.json["revision"]

    threads = [threading.Thread(target=colleague, args=item) for item in questions.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    _summary_equals_results(app, assessment_id)


def test_an_older_summary_never_replaces_a_newer_one(app, make_user, make_assessment):
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=TOWN)
    assessment_id = _with_answers(app, make_assessment, TOWN, editor)
    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        stored = db.session.get(InventorySummary, assessment_id)
        revision, score = stored.revision, stored.score
        # A slow request that read the inventory before the last change stores its figures late.
        older = score_assessment(db.session, assessment, {})[3]
        portfolio.store_summary(db.session, assessment, revision - 1, older)
        db.session.commit()
        db.session.expire_all()
        kept = db.session.get(InventorySummary, assessment_id)
        assert (kept.revision, kept.score) == (revision, score)


def test_a_failing_summary_keeps_the_saved_answer_and_is_caught_up(
    app, runner, make_user, make_assessment, caplog
):
    """If the summary cannot be written, the answer stays saved and the save says so; the
    summary stays behind its inventory's revision until `refresh-summaries --stale`."""
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=TOWN)
    assessment_id = _with_answers(app, make_assessment, TOWN, editor)
    with app.app_context():
        before = db.session.get(InventorySummary, assessment_id).score
        _refuse_summary_updates(db.session, True)
    try:
        client = Auth(app.test_client())
        client.login(editor.email)
        with app.app_context():
            revision = _revision(assessment_id, "strategy.budget")
        saved = client.post(
            f"/assessments/{assessment_id}/answers/strategy.budget",
            {
                "present-strategy.budget": "1",
                "rev-strategy.budget": str(revision),
                "s-strategy.budget": "dont_know",
            },
            token_from=f"/assessments/{assessment_id}/sections/strategy",
            headers={"Accept": "application/json"},
        )
        assert saved.status_code == 200 and saved.json["status"] == "saved"
        assert "could not be updated" in caplog.text
    finally:
        with app.app_context():
            _refuse_summary_updates(db.session, False)
    with app.app_context():
        assert db.session.get(InventorySummary, assessment_id).score == before
        assert portfolio.stale_assessments(db.session) == [assessment_id]
        assert _revision(assessment_id, "strategy.budget") == revision + 1
    result = runner.invoke(args=["refresh-summaries", "--stale"])
    assert "Summaries refreshed: 1" in result.output, result.output
    with app.app_context():
        assert db.session.get(InventorySummary, assessment_id).score < before
        assert portfolio.stale_assessments(db.session) == []


def _refuse_summary_updates(session, refuse: bool) -> None:
    """Make the database itself refuse every UPDATE of a summary (a real failure, no mock)."""
    if session.get_bind().dialect.name == "postgresql":
        statements = (
            [
                "CREATE FUNCTION refuse_summary() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'summaries refused'; END $$",
                "CREATE TRIGGER refuse_summary BEFORE UPDATE ON inventory_summary "
                "FOR EACH ROW EXECUTE FUNCTION refuse_summary()",
            ]
            if refuse
            else [
                "DROP TRIGGER refuse_summary ON inventory_summary",
                "DROP FUNCTION refuse_summary()",
            ]
        )
    else:
        statements = (
            [
                "CREATE TRIGGER refuse_summary BEFORE UPDATE ON inventory_summary "
                "BEGIN SELECT RAISE(ABORT, 'summaries refused'); END"
            ]
            if refuse
            else ["DROP TRIGGER refuse_summary"]
        )
    for statement in statements:
        session.execute(text(statement))
    session.commit()


def test_the_kept_dashboard_follows_every_change_of_status_scope_and_language(
    app, auth, make_user, make_assessment
):
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=VILLAGE)
    assessment_id = make_assessment(VILLAGE, editor)
    advisor = _advisor(auth, make_user, "07333")
    url = "/portfolio/?q=Albisheim"
    assert "badge-in_progress" in auth.client.get(url).text
    with app.app_context():
        before = portfolio.data_version(db.session)
    _set_status(app, assessment_id, AssessmentStatus.SUBMITTED)  # a status change only
    with app.app_context():
        assert portfolio.data_version(db.session) != before
    page = auth.client.get(url).text
    assert "badge-submitted" in page and "badge-in_progress" not in page
    # Another portfolio never gets this one's kept table.
    with app.app_context():
        user = db.session.get(User, advisor.id)
        user.scopes[0].code = "07315"
        db.session.commit()
    assert _names(auth.client.get(url).text) == []
    # Nor does another language.
    colleague = make_user(Role.ADVISOR, scopes="07333")
    with app.app_context():
        db.session.get(User, colleague.id).language = "en"
        db.session.commit()
    english = Auth(app.test_client())
    english.login(colleague.email)
    assert '<span class="badge badge-submitted">submitted</span>' in english.client.get(url).text


def test_the_dashboard_without_its_cache_shows_the_same(app, auth, make_user, make_assessment):
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=VILLAGE)
    make_assessment(VILLAGE, editor)
    _advisor(auth, make_user, "07333")

    def table(page: str) -> str:
        return page.split("<h1>", 1)[1].split("</main>", 1)[0]

    first = auth.client.get("/portfolio/?sort=name").text
    kept = auth.client.get("/portfolio/?sort=name").text
    app.config["PORTFOLIO_CACHE"] = False
    assert table(auth.client.get("/portfolio/?sort=name").text) == table(kept) == table(first)


def test_targets_and_applicability_keep_the_summary_current(app, make_user, make_assessment):
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=TOWN)
    assessment_id = _with_answers(app, make_assessment, TOWN, editor)
    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        user = db.session.get(User, editor.id)
        question = current_questionnaire().find_question("strategy.budget")
        row = db.session.scalar(
            select(InventorySummary).where(InventorySummary.assessment_id == assessment_id)
        )
        old_score = row.domains["strategy"]["score"]
        current = next(a for a in [assessment])
        save_answer(db.session, current, question, Answer.from_json({"status": "dont_know"}),
                    _revision(assessment_id, "strategy.budget"), user)  # fmt: skip
        db.session.expire_all()
        assert db.session.get(InventorySummary, assessment_id).domains["strategy"]["score"] < (
            old_score
        )
        set_targets(db.session, assessment, {"strategy": 5}, user)
        from advisory.services.assessments import set_domain_applicability

        set_domain_applicability(
            db.session, assessment, "mobility", not_applicable=True, reason="no traffic", user=user
        )
        db.session.expire_all()
        summary = db.session.get(InventorySummary, assessment_id)
        assert summary.domains["mobility"]["applicable"] is False
        assert summary.revision == db.session.get(Assessment, assessment_id).revision
        assert portfolio.stale_assessments(db.session) == []


def _revision(assessment_id: int, question_id: str) -> int:
    from advisory.models import Answer as AnswerRow

    return db.session.scalar(
        select(AnswerRow.revision).where(
            AnswerRow.assessment_id == assessment_id, AnswerRow.question_id == question_id
        )
    )


def test_an_imported_inventory_gets_its_summary_when_the_dashboard_is_opened(
    app, auth, make_user, make_assessment
):
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=TOWN)
    first = _with_answers(app, make_assessment, TOWN, editor)
    with app.app_context():
        data = assessment_data(db.session, db.session.get(Assessment, first))
        db.session.get(Assessment, first).status = AssessmentStatus.VALIDATED
        db.session.commit()
        imported = import_assessment(db.session, data, None).id
        assert db.session.get(InventorySummary, imported) is None
    _advisor(auth, make_user, "08115")
    page = auth.client.get("/portfolio/?q=Herrenberg").get_data(as_text=True)
    assert "Herrenberg" in page
    with app.app_context():
        assert db.session.get(InventorySummary, imported) is not None


def test_refresh_summaries_rebuilds_every_summary(app, runner, make_user, make_assessment):
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=TOWN)
    assessment_id = _with_answers(app, make_assessment, TOWN, editor)
    with app.app_context():
        expected = db.session.get(InventorySummary, assessment_id).score
        db.session.execute(delete(InventorySummary))
        db.session.commit()
        assert portfolio.stale_assessments(db.session) == [assessment_id]
    result = runner.invoke(args=["refresh-summaries"])
    assert result.exit_code == 0, result.output
    assert "Summaries refreshed: 1" in result.output
    with app.app_context():
        assert db.session.get(InventorySummary, assessment_id).score == expected


# --- filters, sorting, paging -----------------------------------------------------------------


def test_searching_a_district_lists_its_municipalities(app, auth, make_user):
    _advisor(auth, make_user)
    by_name = _names(auth.client.get("/portfolio/?district=Donnersbergkreis&per_page=100").text)
    by_key = _names(auth.client.get("/portfolio/?district=07333&per_page=100").text)
    assert "Albisheim (Pfrimm)" in by_name and "Biedesheim" in by_name
    assert not any(name.startswith("Mainz") for name in by_name)
    assert sorted(by_name) == sorted(by_key)
    assert 20 < len(by_name) <= 100


def test_association_size_and_name_filters(app, auth, make_user):
    _advisor(auth, make_user)
    association = _names(auth.client.get("/portfolio/?association=G%C3%B6llheim").text)
    assert "Albisheim (Pfrimm)" in association and "Marnheim" not in association
    by_key = _names(auth.client.get("/portfolio/?association=073335003").text)
    assert sorted(by_key) == sorted(association)
    cities = _names(auth.client.get("/portfolio/?size=city").text)
    assert {n.split(",")[0] for n in cities} >= {"Mainz", "Ludwigshafen am Rhein", "Koblenz"}
    assert "Albisheim (Pfrimm)" not in cities
    assert _names(auth.client.get(f"/portfolio/?q={VILLAGE}").text) == ["Albisheim (Pfrimm)"]


def test_submitted_inventories_come_first_and_status_and_level_filter(
    app, auth, make_user, make_assessment
):
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=NEIGHBOUR)
    waiting = _with_answers(app, make_assessment, NEIGHBOUR, editor, "city")
    other = make_user(Role.MUNICIPAL_EDITOR, ags=VILLAGE)
    make_assessment(VILLAGE, other)
    _set_status(app, waiting, AssessmentStatus.SUBMITTED)
    _advisor(auth, make_user, "07333")
    names = _names(auth.client.get("/portfolio/").text)
    assert names[:2] == ["Biedesheim", "Albisheim (Pfrimm)"]
    assert _names(auth.client.get("/portfolio/?status=submitted").text) == ["Biedesheim"]
    not_started = _names(auth.client.get("/portfolio/?status=not_started&per_page=100").text)
    assert "Biedesheim" not in not_started and "Albisheim (Pfrimm)" not in not_started
    with app.app_context():
        level = db.session.get(InventorySummary, waiting).level
    assert level is not None
    assert _names(auth.client.get(f"/portfolio/?level={level}").text) == ["Biedesheim"]
    assert "Biedesheim" not in _names(auth.client.get("/portfolio/?level=none").text)
    home = auth.client.get("/").text
    assert "1 inventory is waiting for your review." in home or "1 Bestandsaufnahme" in home


def test_sorting_and_paging(app, auth, make_user):
    _advisor(auth, make_user)
    by_population = _names(auth.client.get("/portfolio/?sort=population&order=desc").text)
    assert by_population[0].startswith("Mainz")
    ascending = _names(auth.client.get("/portfolio/?sort=name&per_page=25").text)
    assert ascending == sorted(ascending, key=str.casefold) or ascending[0] <= ascending[-1]
    second = _names(auth.client.get("/portfolio/?sort=name&per_page=25&page=2").text)
    assert len(ascending) == len(second) == 25 and not set(ascending) & set(second)
    last = auth.client.get("/portfolio/?sort=name&per_page=25&page=100000")
    assert last.status_code == 200 and 'rel="next"' not in last.text


@pytest.mark.parametrize(
    "query", ["status=deleted", "size=huge", "sort=password", "page=-3", "per_page=1000000"]
)
def test_bad_filter_values_get_a_clear_message(app, auth, make_user, query):
    _advisor(auth, make_user, "07333")
    response = auth.client.get(f"/portfolio/?{query}")
    assert response.status_code == 400
    assert "error-summary" in response.text
    assert "Albisheim" in response.text  # the list is still shown, without that filter


# --- exports ----------------------------------------------------------------------------------


def test_csv_export_holds_the_filtered_list(app, auth, make_user, make_assessment):
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=VILLAGE)
    _with_answers(app, make_assessment, VILLAGE, editor, "rural")
    _advisor(auth, make_user)
    response = auth.client.get("/portfolio/export.csv?district=Donnersbergkreis&per_page=25")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="portfolio.csv"'
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    shown = _names(auth.client.get("/portfolio/?district=Donnersbergkreis&per_page=100").text)
    assert len(rows) - 1 == len(shown)  # every matching row, not one page
    albisheim = next(r for r in rows if r[0] == VILLAGE)
    assert albisheim[1] == "Albisheim (Pfrimm)" and float(albisheim[7]) > 0


def test_xlsx_export_opens_and_keeps_the_order(app, auth, make_user):
    _advisor(auth, make_user)
    response = auth.client.get("/portfolio/export.xlsx?size=city&sort=population&order=desc")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = list(sheet.values)
    assert values[0][0] in ("Gemeindeschlüssel (AGS)", "Key (AGS)")
    assert values[1][1].startswith("Mainz") and len(values) >= 6


def test_exported_cells_never_start_a_formula():
    row = portfolio.PortfolioRow(
        ags="07333001",
        name='=HYPERLINK("http://evil")',
        district_code="07333",
        district_name="+cmd",
        association_name="@SUM(A1)",
        population=10,
        size_class="rural",
        assessment_id=None,
        status="not_started",
        completion=None,
        answered=None,
        shown=None,
        dont_know=None,
        score=None,
        level=None,
        last_activity=None,
    )
    words = {"columns": ["-a"], "size": str, "status": str, "level": str}
    header, table = portfolio.export_table([row], [("strategy", "-Strategie")], words)
    assert header == ["'-a", "'-Strategie"]
    assert table[0][1:4] == ['\'=HYPERLINK("http://evil")', "'+cmd", "'@SUM(A1)"]
    sheet = load_workbook(io.BytesIO(portfolio.table_xlsx(header, table, "x"))).active
    assert sheet["B2"].value == '\'=HYPERLINK("http://evil")' and sheet["B2"].data_type == "s"
    csv_line = portfolio.table_csv(header, table).decode("utf-8-sig").splitlines()[1]
    assert csv_line.startswith('07333001,"\'=HYPERLINK(""http://evil"")",\'+cmd,\'@SUM(A1)')


# --- heat map and comparison ------------------------------------------------------------------


def test_heatmap_and_comparison_show_the_same_levels_as_the_summaries(
    app, auth, make_user, make_assessment
):
    first = _with_answers(
        app, make_assessment, VILLAGE, make_user(Role.MUNICIPAL_EDITOR, ags=VILLAGE), "rural"
    )
    _with_answers(
        app, make_assessment, NEIGHBOUR, make_user(Role.MUNICIPAL_EDITOR, ags=NEIGHBOUR), "city"
    )
    _advisor(auth, make_user, "07333")
    heatmap = auth.client.get("/portfolio/heatmap?district=07333")
    assert heatmap.status_code == 200
    assert "heatmap-data" in heatmap.text and "Biedesheim" in heatmap.text
    compared = auth.client.get(f"/portfolio/compare?m={VILLAGE}&m={NEIGHBOUR}")
    assert compared.status_code == 200 and "compare-data" in compared.text
    with app.app_context():
        level = db.session.get(InventorySummary, first).domains["strategy"]["level"]
    from advisory.wording import level_label

    with app.test_request_context():
        assert str(level_label(level)).split(" ")[0] in compared.text
    single = auth.client.get(f"/portfolio/compare?m={VILLAGE}")
    assert single.status_code == 400 and "flash-error" in single.text


# --- access -----------------------------------------------------------------------------------


def test_advisors_see_only_their_portfolio(app, auth, make_user, make_assessment):
    foreign = make_user(Role.MUNICIPAL_EDITOR, ags="09162000")
    _with_answers(app, make_assessment, "09162000", foreign, "city")
    own = _with_answers(
        app, make_assessment, VILLAGE, make_user(Role.MUNICIPAL_EDITOR, ags=VILLAGE), "rural"
    )
    _advisor(auth, make_user, "07333")
    page = auth.client.get("/portfolio/?per_page=100").text
    assert "München" not in page and "Albisheim" in page
    assert "09162000" not in auth.client.get("/portfolio/export.csv").data.decode("utf-8-sig")
    assert "München" not in auth.client.get("/portfolio/heatmap").text
    compared = auth.client.get(f"/portfolio/compare?m={VILLAGE}&m=09162000")
    assert compared.status_code == 400 and "München" not in compared.text
    assert own


def test_trainers_read_and_municipal_users_are_refused(app, make_user, make_assessment):
    trainer = make_user(Role.TRAINER, scopes="07333")
    client = Auth(app.test_client())
    client.login(trainer.email)
    page = client.client.get("/portfolio/")
    assert page.status_code == 200
    assert "You can read the inventories but not change them." in page.text or (
        "nicht ändern" in page.text
    )
    for role in (Role.MUNICIPAL_EDITOR, Role.MUNICIPAL_VIEWER):
        user = make_user(role, ags=VILLAGE)
        other = Auth(app.test_client())
        other.login(user.email)
        for path in ("/portfolio/", "/portfolio/export.csv", "/portfolio/export.xlsx",
                     "/portfolio/heatmap", f"/portfolio/compare?m={VILLAGE}"):  # fmt: skip
            assert other.client.get(path).status_code == 403, (role, path)
