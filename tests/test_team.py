"""Invitations with one-time links (and mail), domain assignments and the staff list."""

from __future__ import annotations

import datetime as dt
import re
import socket
import time

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from advisory.extensions import db
from advisory.models import AuditEvent, OneTimeToken, Role, SessionParticipant, User
from advisory.services.tokens import TokenError, consume_token, create_token, verify_token
from tests.conftest import Auth, make_config
from tests.training_data import make_training

OWN, OTHER = "07333001", "07333006"


def test_a_token_is_stored_hashed_and_works_once(app):
    with app.app_context():
        secret, row = create_token(
            db.session, "invitation", {"x": 1}, lifetime=dt.timedelta(days=7)
        )
        db.session.commit()
        assert secret not in row.token_hash and len(row.token_hash) == 64
        assert verify_token(db.session, "invitation", secret).payload == {"x": 1}
        with pytest.raises(TokenError, match="unknown"):
            verify_token(db.session, "password_reset", secret)
        consume_token(db.session, "invitation", secret)
        with pytest.raises(TokenError, match="used"):
            consume_token(db.session, "invitation", secret)


def test_an_expired_token_is_refused(app):
    with app.app_context():
        secret, row = create_token(db.session, "invitation", {}, lifetime=dt.timedelta(days=7))
        row.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        db.session.commit()
        with pytest.raises(TokenError, match="expired"):
            verify_token(db.session, "invitation", secret)


def invite(auth, email: str, role: str = "municipal_viewer"):
    return auth.post("/team/invitations", {"email": email, "role": role}, token_from="/team")


def invitation_link(page: str) -> str:
    return re.search(r'id="invitation-link" type="text" readonly value="([^"]+)"', page).group(1)


def test_an_invited_colleague_signs_up_once_and_is_audited(app, make_user):
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=OWN)
    auth = Auth(app.test_client())
    auth.login(editor.email)
    response = invite(auth, "Kollegin@Example.org")
    assert response.status_code == 200
    link = invitation_link(response.get_data(as_text=True))
    path = link.split("localhost", 1)[1]
    visitor = Auth(app.test_client())
    assert "kollegin@example.org" in visitor.client.get(path).get_data(as_text=True)
    short = visitor.post(path, {"name": "Kim", "password": "short"})
    assert short.status_code == 422 and "12" in short.get_data(as_text=True)
    done = visitor.post(path, {"name": "Kim Kollegin", "password": "a long enough password"})
    assert done.status_code == 302 and done.location == "/"
    assert "Kim Kollegin" in visitor.client.get("/").get_data(as_text=True)
    again = Auth(app.test_client()).client.get(path)
    assert again.status_code == 410 and "bereits verwendet" in again.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "kollegin@example.org"))
        assert user.role == Role.MUNICIPAL_VIEWER and user.municipality.ags == OWN
        kinds = set(db.session.scalars(select(AuditEvent.kind)))
        assert {"invitation_created", "user_created", "invitation_accepted"} <= kinds
        assert db.session.scalar(select(OneTimeToken.used_at)) is not None


def test_viewers_cannot_invite_and_taken_addresses_are_refused(app, make_user):
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=OWN)
    viewer = make_user(Role.MUNICIPAL_VIEWER, ags=OWN)
    auth = Auth(app.test_client())
    auth.login(viewer.email)
    assert invite(auth, "x@example.org").status_code == 403
    auth = Auth(app.test_client())
    auth.login(editor.email)
    taken = invite(auth, viewer.email)
    assert taken.status_code == 422 and "Es gibt bereits ein Konto" in taken.get_data(as_text=True)
    assert invite(auth, "y@example.org", role="admin").status_code == 422


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


def test_the_invitation_is_mailed_through_a_real_smtp_server(database_url, make_app, make_user):
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app = make_app(
            make_config(
                database_url,
                MAIL_SERVER="127.0.0.1",
                MAIL_PORT=port,
                MAIL_USE_TLS=False,
                MAIL_DEFAULT_SENDER="advisory@example.org",
                # Flask-Mailman keeps mail in memory under TESTING; use the real SMTP backend.
                MAIL_BACKEND="smtp",
            )
        )
        with app.app_context():
            from advisory.services.accounts import create_user
            from tests.training_data import municipality

            editor = create_user(
                db.session,
                email="mailing-editor@example.org",
                name="Erika Editor",
                password="correct horse battery",
                role=Role.MUNICIPAL_EDITOR,
                municipality=municipality(db.session, OWN),
            )
        auth = Auth(app.test_client())
        auth.login(editor.email)
        page = invite(auth, "neu@example.org").get_data(as_text=True)
        assert "per E-Mail verschickt" in page
        for _ in range(50):
            if inbox.messages:
                break
            time.sleep(0.05)
        ((recipients, content),) = inbox.messages
        assert recipients == ["neu@example.org"]
        assert invitation_link(page).split("/join/")[1][:20] in content.replace("=\n", "")
    finally:
        controller.stop()
        from tests.conftest import _clean

        _clean(app)


def test_assigned_domains_show_on_the_colleagues_home_page(app, make_user, make_assessment):
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=OWN)
    colleague = make_user(Role.MUNICIPAL_VIEWER, ags=OWN)
    stranger = make_user(Role.MUNICIPAL_VIEWER, ags=OTHER)
    make_assessment(OWN, editor)
    auth = Auth(app.test_client())
    auth.login(editor.email)
    refused = auth.post(
        "/team/assignments", {"domain-skills": str(stranger.id)}, token_from="/team"
    )
    assert refused.status_code == 302
    assert (
        auth.post(
            "/team/assignments", {"domain-skills": str(colleague.id)}, token_from="/team"
        ).status_code
        == 302
    )
    mine = Auth(app.test_client())
    mine.login(colleague.email)
    page = mine.client.get("/").get_data(as_text=True)
    assert "Mir zugewiesen" in page and "Kompetenzen" in page
    assert re.search(r"0 von \d+ Fragen beantwortet", page)


def test_deleting_a_person_removes_the_name_but_keeps_the_count(app, make_user):
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=OWN)
    training = make_training(app, OWN)
    auth = Auth(app.test_client())
    auth.login(editor.email)
    page = auth.client.get("/team/staff").get_data(as_text=True)
    assert "Zweck" in page and "Paula Person" in page
    response = auth.post(f"/team/staff/{training['staff_id']}/delete", token_from="/team/staff")
    assert response.status_code == 302
    assert "gelöscht" in auth.client.get("/team/staff").get_data(as_text=True)  # the notice
    assert "Paula Person" not in auth.client.get("/team/staff").get_data(as_text=True)
    with app.app_context():
        participant = db.session.get(SessionParticipant, training["participant_id"])
        assert participant.staff_id is None and participant.status == "assigned"
    plan = auth.client.get("/training/plan").get_data(as_text=True)
    assert "aus der Mitarbeiterliste gelöscht" in plan


def test_editors_add_staff_and_viewers_only_read(app, make_user):
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=OWN)
    viewer = make_user(Role.MUNICIPAL_VIEWER, ags=OWN)
    auth = Auth(app.test_client())
    auth.login(editor.email)
    empty = auth.post("/team/staff", {"name": "", "function": ""})
    assert empty.status_code == 422
    added = auth.post("/team/staff", {"name": "Max Muster", "function": "Bauamt", "email": ""})
    assert added.status_code == 302
    reader = Auth(app.test_client())
    reader.login(viewer.email)
    assert "Max Muster" in reader.client.get("/team/staff").get_data(as_text=True)
    assert (
        reader.post("/team/staff", {"name": "X", "function": "Y"}, token_from="/team").status_code
        == 403
    )
