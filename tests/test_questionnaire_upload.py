"""Export and upload of a questionnaire with its rules by an administrator."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from advisory import content
from advisory.models import Role
from tests.conftest import Auth, _clean, make_config

CONTENT = Path(__file__).parent / "content"
KOMPASS = (CONTENT / "digital-kompass" / "1.0.0.yaml").read_text(encoding="utf-8")
RULES = (CONTENT / "digital-kompass" / "rules" / "data_use.yaml").read_text(encoding="utf-8")
PAGE = "/admin/questionnaires"


@pytest.fixture
def upload_app(make_app, database_url, tmp_path):
    """An app with only the shipped content and an empty upload folder."""
    content.reload()
    app = make_app(make_config(database_url, CONTENT_UPLOAD_DIR=str(tmp_path / "uploads")))
    yield app
    content.reload()
    _clean(app)


@pytest.fixture
def admin(upload_app, make_user):
    user = make_user(Role.ADMIN)
    auth = Auth(upload_app.test_client())
    auth.login(user.email)
    return auth


def zipped(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def upload(admin: Auth, data: bytes):
    return admin.post(
        PAGE,
        {"archive": (io.BytesIO(data), "kompass.zip")},
        content_type="multipart/form-data",
    )


def test_an_uploaded_questionnaire_is_offered_when_starting_an_inventory(
    admin, upload_app, make_user, tmp_path
):
    files = {"digital-kompass/1.0.0.yaml": KOMPASS, "digital-kompass/rules/data_use.yaml": RULES}
    response = upload(admin, zipped(files))
    assert response.status_code == 302
    assert (tmp_path / "uploads" / "digital-kompass" / "rules" / "data_use.yaml").exists()
    page = admin.client.get(PAGE).get_data(as_text=True)
    assert "Digital-Kompass (Testfragebogen)" in page
    editor = make_user(Role.MUNICIPAL_EDITOR, ags="07333001")
    auth = Auth(upload_app.test_client())
    auth.login(editor.email)
    assert 'value="digital-kompass"' in auth.client.get("/municipalities/07333001").get_data(
        as_text=True
    )


def test_an_invalid_upload_names_file_and_key_and_writes_nothing(admin, tmp_path):
    broken = KOMPASS.replace("overall: min_level", "overall: median")
    bad_rule = RULES.replace("domain: data_use", "domain: nowhere")
    response = upload(
        admin,
        zipped(
            {"digital-kompass/1.0.0.yaml": broken, "digital-kompass/rules/data_use.yaml": bad_rule}
        ),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "digital-kompass/1.0.0.yaml: scoring.overall" in page
    assert not (tmp_path / "uploads" / "digital-kompass").exists()


def test_rules_are_checked_against_the_uploaded_questionnaire(admin, tmp_path):
    bad_rule = RULES.replace("domain: data_use", "domain: nowhere")
    response = upload(
        admin,
        zipped(
            {"digital-kompass/1.0.0.yaml": KOMPASS, "digital-kompass/rules/data_use.yaml": bad_rule}
        ),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "data_use.yaml" in page and "rules[0].domain" in page
    assert not (tmp_path / "uploads" / "digital-kompass").exists()


def test_a_version_is_never_changed_only_a_new_one_added(admin, upload_app, tmp_path):
    assert upload(admin, zipped({"digital-kompass/1.0.0.yaml": KOMPASS})).status_code == 302
    changed = KOMPASS.replace("Ein kleiner, erfundener", "Ein kleiner, geänderter", 1)
    response = upload(admin, zipped({"digital-kompass/1.0.0.yaml": changed}))
    assert response.status_code == 400
    assert "never changed" in response.get_data(as_text=True)
    stored = tmp_path / "uploads" / "digital-kompass" / "1.0.0.yaml"
    assert stored.read_text(encoding="utf-8") == KOMPASS
    newer = changed.replace("version: 1.0.0", "version: 1.1.0", 1)
    assert upload(admin, zipped({"digital-kompass/1.1.0.yaml": newer})).status_code == 302
    with upload_app.app_context():
        assert content.questionnaires().latest("digital-kompass").version == "1.1.0"


def test_a_new_version_of_a_shipped_questionnaire_cannot_be_uploaded(admin):
    response = upload(admin, zipped({"smart-city-inventur/9.0.0.yaml": KOMPASS}))
    assert response.status_code == 400
    assert "is kept in" in response.get_data(as_text=True)


def test_files_outside_the_layout_and_non_zip_uploads_are_refused(admin):
    response = upload(admin, zipped({"../evil.yaml": "x", "digital-kompass/1.0.0.yaml": KOMPASS}))
    assert response.status_code == 400
    assert "../evil.yaml: not a questionnaire file" in response.get_data(as_text=True)
    response = upload(admin, b"not a zip")
    assert response.status_code == 400


def test_the_export_holds_every_version_and_the_rules(admin):
    response = admin.client.get("/admin/questionnaires/smart-city-inventur.zip")
    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert "smart-city-inventur/1.0.0.yaml" in names and "smart-city-inventur/1.1.0.yaml" in names
    assert "smart-city-inventur/rules/data.yaml" in names
    assert admin.client.get("/admin/questionnaires/nothing.zip").status_code == 404
