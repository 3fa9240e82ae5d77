"""Evidence for answers: links, texts and uploaded files checked by their content.

Files are stored outside the web root, in the instance folder's `evidence/` directory, under a
random name; the name the user gave is kept only for display and the download. A file is
accepted only when its content is one of the allowed types and matches its extension.
"""

from __future__ import annotations

import io
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import puremagic
from sqlalchemy import select
from sqlalchemy.orm import Session

from advisory.models import Assessment, Evidence, User
from advisory.services.accounts import record_event

#: Default upload limit per file (ADVISORY_EVIDENCE_MAX_BYTES overrides it).
MAX_BYTES = 10 * 1024 * 1024
MAX_NAME = 200

#: Allowed extensions and the media type each is served as.
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
# Office documents are ZIP containers: the part that tells them apart.
_OOXML_PART = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
_ODF_TYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
    "odp": b"application/vnd.oasis.opendocument.presentation",
}


class EvidenceError(ValueError):
    """Evidence was refused; the code names why (the view turns it into a sentence)."""

    def __init__(self, code: str, **details: object):
        super().__init__(code)
        self.code = code
        self.details = details


def evidence_dir(folder: str | Path) -> Path:
    """Return the folder the uploaded files are kept in (created when missing).

    By default it is `evidence/` in the instance folder (ADVISORY_EVIDENCE_FOLDER overrides).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def checked_name(filename: str) -> str:
    """Return the file name if it is a plain name; refuse paths and traversal."""
    name = (filename or "").strip()
    if not name:
        raise EvidenceError("no_file")
    if "/" in name or "\\" in name or ".." in name or "\x00" in name or name.startswith("."):
        raise EvidenceError("bad_name")
    if len(name) > MAX_NAME or any(ord(c) < 32 for c in name):
        raise EvidenceError("bad_name")
    return name


def detected_type(name: str, content: bytes) -> str:
    """Return the extension the content proves; refuse unknown types and mismatches."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in MEDIA_TYPES:
        raise EvidenceError("type_not_allowed", extension=extension)
    if extension in _OOXML_PART or extension in _ODF_TYPES:
        if not _office_matches(extension, content):
            raise EvidenceError("content_mismatch", extension=extension)
        return extension
    try:
        found = {m.extension.lstrip(".").lower() for m in puremagic.magic_string(content)}
    except puremagic.PureError:
        found = set()
    if "jpg" in found or "jpeg" in found:
        found |= {"jpg", "jpeg"}
    if extension not in found:
        raise EvidenceError("content_mismatch", extension=extension)
    return extension


def _office_matches(extension: str, content: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            if extension in _ODF_TYPES:
                return "mimetype" in names and archive.read("mimetype") == _ODF_TYPES[extension]
            return "[Content_Types].xml" in names and any(
                n.startswith(_OOXML_PART[extension]) for n in names
            )
    except (zipfile.BadZipFile, KeyError, OSError):
        return False


def checked_url(url: str) -> str:
    """Return the link if it is an http(s) address."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 2000:
        raise EvidenceError("bad_url")
    return url


@dataclass(frozen=True)
class Upload:
    """An uploaded file as the view received it."""

    filename: str
    content: bytes


def add_evidence(
    session: Session,
    assessment: Assessment,
    question_id: str,
    *,
    user: User,
    folder: Path,
    url: str = "",
    text: str = "",
    upload: Upload | None = None,
    max_bytes: int = MAX_BYTES,
) -> Evidence:
    """Store one piece of evidence: a file (checked), else a link, else a text."""
    row = Evidence(assessment_id=assessment.id, question_id=question_id, created_by_id=user.id)
    if upload is not None and upload.filename:
        name = checked_name(upload.filename)
        if len(upload.content) > max_bytes:
            raise EvidenceError("too_large", limit=max_bytes // (1024 * 1024) or 1)
        if not upload.content:
            raise EvidenceError("empty_file")
        extension = detected_type(name, upload.content)
        stored = secrets.token_hex(16)
        (folder / stored).write_bytes(upload.content)
        row.kind, row.filename, row.stored_name = "file", name, stored
        row.media_type, row.size = MEDIA_TYPES[extension], len(upload.content)
    elif url.strip():
        row.kind, row.url = "link", checked_url(url)
    elif text.strip():
        row.kind, row.text = "text", text.strip()[:5000]
    else:
        raise EvidenceError("nothing_given")
    session.add(row)
    session.commit()
    return row


def evidence_of(session: Session, assessment: Assessment) -> list[Evidence]:
    """Return every piece of evidence of the assessment, oldest first."""
    return list(
        session.scalars(
            select(Evidence).where(Evidence.assessment_id == assessment.id).order_by(Evidence.id)
        )
    )


def file_path(folder: Path, evidence: Evidence) -> Path:
    """Return where an uploaded file lies (its stored name is random and never user input)."""
    return folder / str(evidence.stored_name)


def evidence_item(session: Session, assessment: Assessment, evidence_id: int) -> Evidence | None:
    """Return one piece of evidence of this assessment (None if there is none by that id)."""
    evidence = session.get(Evidence, evidence_id)
    if evidence is None or evidence.assessment_id != assessment.id:
        return None
    return evidence


def delete_evidence(session: Session, evidence: Evidence, *, user: User, folder: Path) -> None:
    """Delete one piece of evidence and its file; record who deleted what in the audit log.

    The row goes first (committed), then the file: a file left behind by a failure is never
    served, whereas a row without its file would be a broken link.
    """
    label = evidence.filename if evidence.kind == "file" else evidence.url or evidence.text or ""
    record_event(
        session,
        "evidence_deleted",
        actor=user,
        detail={
            "inventory": evidence.assessment_id,
            "question": evidence.question_id,
            "kind": evidence.kind,
            "evidence": label[:200],
        },
    )
    path = file_path(folder, evidence) if evidence.kind == "file" and evidence.stored_name else None
    session.delete(evidence)
    session.commit()
    if path is not None:
        path.unlink(missing_ok=True)
