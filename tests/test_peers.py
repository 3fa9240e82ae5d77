"""Peer benchmark: consent, the k >= 5 rule, groups that widen, and what never counts."""

from __future__ import annotations

from sqlalchemy import select

from advisory.content import current_questionnaire
from advisory.demo import demo_set
from advisory.extensions import db
from advisory.models import Assessment, AssessmentStatus, AuditEvent, Municipality, Role, User
from advisory.services.assessments import import_answers
from advisory.services.peers import MIN_PEERS, consent_of, peer_medians
from tests.peers_data import add_inventory, peers_like

VILLAGE = "07333001"  # Albisheim (Pfrimm): Rhineland-Palatinate, rural, thinly populated


def _medians(app, ags: str = VILLAGE, *, synthetic: bool = False):
    with app.app_context():
        municipality = db.session.scalar(select(Municipality).where(Municipality.ags == ags))
        return peer_medians(db.session, municipality, synthetic=synthetic)


def test_four_validated_consenting_peers_give_no_median_the_fifth_gives_one(app):
    others = peers_like(app, VILLAGE, MIN_PEERS)
    for level, ags in zip((1, 2, 4, 5), others[:4], strict=True):
        add_inventory(app, ags, level)
    four = _medians(app)
    assert four.group is None and four.level("strategy") is None and not four.any

    add_inventory(app, others[4], 3)
    five = _medians(app)
    assert five.group.kind == "state_size_density" and five.group.count == 5
    assert five.group.state_name == "Rheinland-Pfalz" and five.group.density == 3
    assert five.level("strategy") == 3.0 and five.domains["strategy"].count == 5


def test_non_consenting_unvalidated_and_synthetic_inventories_never_count(app):
    others = peers_like(app, VILLAGE, 9)
    for ags in others[:4]:
        add_inventory(app, ags, 2)
    add_inventory(app, others[4], 5, consent=None)  # never asked
    add_inventory(app, others[5], 5, consent=False)  # said no
    add_inventory(app, others[6], 5, status=AssessmentStatus.SUBMITTED)
    add_inventory(app, others[7], 5, status=AssessmentStatus.IN_REVIEW)
    add_inventory(app, others[8], 5, synthetic=True)
    assert _medians(app).group is None


def test_synthetic_medians_use_only_synthetic_inventories(app):
    others = peers_like(app, VILLAGE, 10)
    for ags in others[:5]:
        add_inventory(app, ags, 1)  # real, consenting
    for ags in others[5:10]:
        add_inventory(app, ags, 4, synthetic=True, consent=None)
    real, synthetic = _medians(app), _medians(app, synthetic=True)
    assert real.level("mobility") == 1.0 and not real.synthetic
    assert synthetic.level("mobility") == 4.0 and synthetic.synthetic
    assert synthetic.group.count == 5


def test_the_municipality_itself_is_not_counted(app):
    for ags in peers_like(app, VILLAGE, 4):
        add_inventory(app, ags, 2)
    add_inventory(app, VILLAGE, 5)
    assert _medians(app).group is None


def test_only_the_newest_validated_inventory_of_a_peer_counts(app):
    others = peers_like(app, VILLAGE, 5)
    add_inventory(app, others[0], 5)
    add_inventory(app, others[0], 1)  # newer: replaces the level-5 inventory
    add_inventory(app, others[0], 4, status=AssessmentStatus.IN_PROGRESS)  # not validated
    for ags in others[1:4]:
        add_inventory(app, ags, 1)
    assert _medians(app).group is None  # 4 municipalities, not 5 inventories
    add_inventory(app, others[4], 5)
    result = _medians(app)
    assert result.group.count == 5 and result.level("strategy") == 1.0


def test_a_too_small_group_widens_to_the_state_and_says_so(app):
    with app.app_context():
        cities = list(
            db.session.scalars(
                select(Municipality.ags)
                .where(Municipality.state_code == "07", Municipality.population >= 20_000)
                .order_by(Municipality.ags)
                .limit(5)
            )
        )
    for ags in cities:
        add_inventory(app, ags, 4)
    result = _medians(app)
    assert result.group.kind == "state" and result.group.size_class is None
    assert result.skipped == ("state_size_density", "state_size")
    assert result.level("strategy") == 4.0


def test_a_domain_with_fewer_than_five_levels_shows_no_median(app):
    others = peers_like(app, VILLAGE, 5)
    for ags in others[:4]:
        add_inventory(app, ags, 3)
    add_inventory(app, others[4], 3, levels={"strategy": 3, "administration": 3})
    result = _medians(app)
    assert result.level("strategy") == 3.0
    assert result.level("mobility") is None and result.domains["mobility"].count == 4


def test_an_editor_opts_in_and_the_change_is_audited(app, auth, make_user):
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=VILLAGE)
    auth.login(editor.email)
    page = auth.client.get(f"/municipalities/{VILLAGE}/sharing").get_data(as_text=True)
    assert "nicht in Vergleichsmediane einbezogen" in page and "Nachbarn nicht genannt" in page
    response = auth.post(
        f"/municipalities/{VILLAGE}/sharing",
        {"include_in_medians": "y"},
        token_from=f"/municipalities/{VILLAGE}/sharing",
    )
    assert response.status_code == 302
    with app.app_context():
        municipality = db.session.scalar(select(Municipality).where(Municipality.ags == VILLAGE))
        consent = consent_of(db.session, municipality)
        assert consent.include_in_medians and not consent.named_as_partner
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.kind == "peer_consent_changed")
        )
        assert event.actor_id == editor.id
        assert event.detail["changed"]["peer_medians"] == [False, True]


def test_viewers_and_advisors_cannot_change_the_consent(app, auth, make_user):
    for user in (
        make_user(Role.MUNICIPAL_VIEWER, ags=VILLAGE),
        make_user(Role.ADVISOR, scopes="07333"),
    ):
        auth.login(user.email)
        path = f"/municipalities/{VILLAGE}/sharing"
        assert "Nur die Redakteurinnen" in auth.client.get(path).get_data(as_text=True)
        assert auth.post(path, {"include_in_medians": "y"}).status_code == 403
        auth.client.post("/logout", data={"csrf_token": auth.csrf_token("/")})
    with app.app_context():
        assert (
            db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "peer_consent_changed"))
            is None
        )


def test_results_and_report_show_the_peer_median_and_its_group(
    app, auth, make_user, make_assessment
):
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=VILLAGE)
    own = make_assessment(VILLAGE, editor)
    with app.app_context():
        import_answers(
            db.session,
            db.session.get(Assessment, own),
            current_questionnaire(),
            demo_set("rural")["answers"],
            db.session.get(User, editor.id),
        )
    for level, ags in zip((1, 2, 2, 3, 5), peers_like(app, VILLAGE, 5), strict=True):
        add_inventory(app, ags, level)
    auth.login(editor.email)
    page = auth.client.get(f"/assessments/{own}/results").get_data(as_text=True)
    assert "Vergleichsmedian" in page
    assert "Kommunen in Rheinland-Pfalz" in page and "5 validierte Bestandsaufnahmen" in page
    assert "Median vergleichbarer Kommunen" in page  # the radar's extra, labelled trace
    table = page.split('id="domain-table"', 1)[1].split("</table>", 1)[0]
    assert '<td class="num">2</td>' in table  # the strategy median, level 2
    report = auth.client.get(f"/assessments/{own}/report").get_data(as_text=True)
    assert "Vergleichsmedian" in report and "5 validierte Bestandsaufnahmen" in report
    for name in _names(app, peers_like(app, VILLAGE, 5)):
        assert name not in page and name not in report


def _names(app, keys: list[str]) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Municipality.name).where(Municipality.ags.in_(keys))))


def test_the_demo_shows_a_peer_median_for_the_demo_village(app, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    result = _medians(app)
    assert result.group is not None and result.group.count >= MIN_PEERS
    assert result.any
