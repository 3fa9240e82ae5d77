"""Export and upload of a questionnaire with its rules, as a ZIP in the content folder layout.

A ZIP holds `<id>/<version>.yaml` files and, optionally, `<id>/rules/<name>.yaml`. An upload is
validated in full (questionnaire, rules against the questionnaire and the catalogue, clashes with
the folders already offered) before anything is written. A version that exists is never
changed: the same file again is accepted as it is, a different one is refused.
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from advisory import content
from advisory.models import Assessment

_VERSION_FILE = re.compile(r"([a-z0-9]+(?:-[a-z0-9]+)*)/([0-9]+\.[0-9]+\.[0-9]+)\.yaml")
_RULES_FILE = re.compile(r"([a-z0-9]+(?:-[a-z0-9]+)*)/rules/([a-z0-9_-]+)\.yaml")
MAX_FILES = 50


class UploadError(Exception):
    """The upload is refused; `problems` name file and key of everything that is wrong."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class OfferedVersion:
    """One questionnaire version as the administration page lists it."""

    id: str
    version: str
    status: str
    title: str
    folder: str
    inventories: int
    rules: bool


def offered_versions(session: Session, lang: str) -> list[OfferedVersion]:
    """List every loaded questionnaire version with its folder and how many inventories use it."""
    counts = dict(
        ((row.questionnaire_id, row.questionnaire_version), row.n)
        for row in session.execute(
            select(
                Assessment.questionnaire_id,
                Assessment.questionnaire_version,
                func.count().label("n"),
            ).group_by(Assessment.questionnaire_id, Assessment.questionnaire_version)
        )
    )
    return [
        OfferedVersion(
            q.id,
            q.version,
            q.status,
            q.title.get(lang),
            str(content.questionnaire_folder(q.id)),
            counts.get((q.id, q.version), 0),
            content.rules_dir(q.id) is not None,
        )
        for q in content.questionnaires().list()
    ]


def export_zip(questionnaire_id: str) -> bytes:
    """Return every version of the questionnaire and its rules as a ZIP."""
    registry = content.questionnaires()
    versions = registry.list(questionnaire_id)
    if not versions:
        raise LookupError(questionnaire_id)
    folder = content.questionnaire_folder(questionnaire_id)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for questionnaire in versions:
            name = f"{questionnaire_id}/{questionnaire.version}.yaml"
            archive.write(folder / name, name)
        rules = content.rules_dir(questionnaire_id)
        if rules is not None:
            for path in sorted(rules.glob("*.yaml")):
                archive.write(path, f"{questionnaire_id}/rules/{path.name}")
    return buffer.getvalue()


def _entries(data: bytes) -> dict[str, bytes]:
    """Read the ZIP's files; refuse paths outside the layout."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UploadError(
            ["the upload is not a ZIP file; export a questionnaire to see the layout"]
        ) from None
    problems = []
    entries: dict[str, bytes] = {}
    with archive:
        files = [info for info in archive.infolist() if not info.is_dir()]
        if len(files) > MAX_FILES:
            raise UploadError(
                [f"the ZIP holds {len(files)} files; at most {MAX_FILES} are allowed"]
            )
        for info in files:
            name = info.filename
            if not (_VERSION_FILE.fullmatch(name) or _RULES_FILE.fullmatch(name)):
                problems.append(
                    f"{name}: not a questionnaire file <id>/<version>.yaml or a rules file "
                    "<id>/rules/<name>.yaml; move or remove it"
                )
                continue
            if info.file_size > 2 * 1024 * 1024:
                problems.append(f"{name}: larger than 2 MB")
                continue
            entries[name] = archive.read(info)
    if problems:
        raise UploadError(problems)
    if not any(_VERSION_FILE.fullmatch(name) for name in entries):
        raise UploadError(["the ZIP holds no questionnaire file <id>/<version>.yaml"])
    return entries


def upload_zip(data: bytes) -> list[str]:
    """Validate the ZIP and add its new files to the upload folder; return the files added.

    Raise UploadError naming file and key of every problem; nothing is written then.
    """
    target = content.upload_dir()
    if target is None:
        raise UploadError(["no upload folder is configured"])
    entries = _entries(data)
    ids = {name.split("/", 1)[0] for name in entries}
    problems = []
    for questionnaire_id in sorted(ids):
        folder = content.questionnaire_folder(questionnaire_id)
        if folder is not None and folder != target.resolve():
            problems.append(
                f"{questionnaire_id}: this questionnaire is kept in {folder}; add new versions "
                "there, or upload under a new id"
            )
    if problems:
        raise UploadError(problems)
    with tempfile.TemporaryDirectory() as staging:
        staged = Path(staging) / "upload"
        if target.is_dir():
            shutil.copytree(target, staged)
        staged.mkdir(parents=True, exist_ok=True)
        added = []
        for name, body in sorted(entries.items()):
            path = staged / name
            if path.exists():
                if path.read_bytes() != body:
                    problems.append(
                        f"{name}: this file exists already and is never changed once offered; "
                        "upload the change as a new version"
                    )
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(body)
            added.append(name)
        if problems:
            raise UploadError(problems)
        others = tuple(d for d in content.content_dirs() if d != target.resolve())
        _checked, found = content.check_all((*others, staged))
        if found:
            raise UploadError([problem.replace(str(staged) + "/", "") for problem in found])
        for name in added:
            path = target / name
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(staged / name, path)
    content.reload()
    return added
