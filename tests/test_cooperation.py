"""Cooperation: suggestions only of neighbours that agreed to be named, requests and replies."""

from __future__ import annotations

from sqlalchemy import select

from advisory.extensions import db
from advisory.models import CooperationRequest, CooperationStatus, Municipality, Role
from advisory.services.cooperation import cooperation_suggestions, distance_km, weak_domains
from tests.peers_data import add_inventory

VILLAGE = "07333001"  # Albisheim (Pfrimm), Donnersbergkreis
NAMED = "07333006"  # Biedesheim, same district
SILENT = "07333007"  # Bischheim, same district, opted in to medians only
UNVALIDATED = "07333010"  # Bolanden, same district, named but not validated
FAR = "09162000"  # München: named, strong, but far away and in another district
WEAK = {"strategy": 1, "administration": 2, "mobility": 4}


def _suggest(app, levels=WEAK, targets=None, max_km=25.0):
    with app.app_context():
        own = db.session.scalar(select(Municipality).where(Municipality.ags == VILLAGE))
        return cooperation_suggestions(db.session, own, levels, targets, max_km=max_km)


def _strong_neighbours(app):
    add_inventory(app, NAMED, 4, consent=False, named=True)
    add_inventory(app, SILENT, 5, consent=True, named=False)
    add_inventory(app, UNVALIDATED, 5, named=True, status="submitted")
    add_inventory(app, FAR, 5, named=True)


def test_only_neighbours_that_agreed_to_be_named_are_suggested(app):
    _strong_neighbours(app)
    suggestions = _suggest(app)
    assert [s.ags for s in suggestions] == [NAMED]
    named = suggestions[0]
    assert named.same_district and named.distance_km is not None and named.distance_km < 25
    # strong where the village is weak (strategy 1, administration 2), not in mobility (4 = 4)
    assert [(d.domain_id, d.own_level, d.their_level) for d in named.domains] == [
        ("administration", 2, 4),
        ("strategy", 1, 4),
    ]


def test_a_neighbour_is_found_by_distance_outside_the_district(app):
    add_inventory(app, "07331001", 5, named=True)  # Albig, Alzey-Worms, about 14 km away
    assert [s.ags for s in _suggest(app, max_km=25.0)] == ["07331001"]
    assert _suggest(app, max_km=5.0) == []


def test_no_suggestion_without_weak_domains(app):
    _strong_neighbours(app)
    assert _suggest(app, {"strategy": 4, "mobility": 5}) == []


def test_weak_means_below_level_three_or_below_the_target():
    assert weak_domains({"a": 2, "b": 3, "c": 3, "d": None}, {"c": 4}) == {"a", "c", "d"}


def test_distance_between_two_places():
    assert round(distance_km(49.65, 8.0, 49.65, 8.0)) == 0
    assert 500 < distance_km(52.52, 13.40, 48.14, 11.58) < 510  # Berlin – München


def test_the_suggestion_page_names_no_opted_out_municipality(app, auth, make_user, make_assessment):
    _strong_neighbours(app)
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=VILLAGE)
    own = make_assessment(VILLAGE, editor)
    auth.login(editor.email)
    page = auth.client.get(f"/assessments/{own}/cooperation").get_data(as_text=True)
    assert "Biedesheim" in page
    for name in ("Bischheim", "Bolanden", "München"):  # SILENT, UNVALIDATED, FAR
        assert name not in page
    # nor can a request be sent to a municipality that did not agree to be named
    response = auth.post(
        f"/assessments/{own}/cooperation",
        {"partner": SILENT, f"to-{SILENT}-text": "Hello", f"to-{SILENT}-domain": ""},
        token_from=f"/assessments/{own}/cooperation",
    )
    assert response.status_code == 400
    assert "hat nicht zugestimmt" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(CooperationRequest)) is None


def test_a_request_is_sent_answered_and_closed(app, auth, make_user, make_assessment):
    add_inventory(app, NAMED, 4, named=True)
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=VILLAGE)
    partner = make_user(Role.MUNICIPAL_EDITOR, ags=NAMED)
    partner_viewer = make_user(Role.MUNICIPAL_VIEWER, ags=NAMED)
    advisor = make_user(Role.ADVISOR, scopes="07333")
    outsider = make_user(Role.MUNICIPAL_EDITOR, ags=SILENT)
    own = make_assessment(VILLAGE, editor)
    auth.login(editor.email)
    path = f"/assessments/{own}/cooperation"
    empty = auth.post(path, {"partner": NAMED, f"to-{NAMED}-text": "  "})
    assert empty.status_code == 400 and "Bitte schreiben Sie" in empty.get_data(as_text=True)
    sent = auth.post(
        path,
        {
            "partner": NAMED,
            f"to-{NAMED}-domain": "strategy",
            f"to-{NAMED}-text": "How did you write your digital strategy?",
        },
    )
    assert sent.status_code == 302
    with app.app_context():
        request_id = db.session.scalar(select(CooperationRequest.id))
    page = f"/cooperation/{request_id}"

    def sign_in(user):
        auth.client.post("/logout", data={"csrf_token": auth.csrf_token("/")})
        auth.login(user.email)

    sign_in(partner)
    inbox = auth.client.get("/cooperation/").get_data(as_text=True)
    assert "Albisheim" in inbox and page in inbox
    assert "digital strategy" in auth.client.get(page).get_data(as_text=True)
    assert (
        auth.post(f"{page}/reply", {"text": "Gladly, call us."}, token_from=page).status_code == 302
    )
    with app.app_context():
        assert db.session.get(CooperationRequest, request_id).status == CooperationStatus.ANSWERED

    sign_in(partner_viewer)  # reads, may not answer
    assert "Gladly" in auth.client.get(page).get_data(as_text=True)
    assert auth.post(f"{page}/reply", {"text": "x"}, token_from=page).status_code == 403

    sign_in(outsider)  # same district, not involved
    assert auth.client.get(page).status_code == 404
    assert page not in auth.client.get("/cooperation/").get_data(as_text=True)

    sign_in(advisor)  # in scope of both
    assert "Gladly" in auth.client.get(page).get_data(as_text=True)
    assert auth.post(f"{page}/close", {}, token_from=page).status_code == 302
    with app.app_context():
        assert db.session.get(CooperationRequest, request_id).status == CooperationStatus.CLOSED
    sign_in(editor)
    closed = auth.post(f"{page}/reply", {"text": "One more thing"}, token_from="/cooperation/")
    assert closed.status_code == 400 and "ist geschlossen" in closed.get_data(as_text=True)
