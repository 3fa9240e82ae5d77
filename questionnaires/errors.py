"""Named errors of the questionnaire engine; every one is a QuestionnaireError."""

from __future__ import annotations

from dataclasses import dataclass


class QuestionnaireError(Exception):
    """Base class of every error the questionnaire engine raises on purpose."""


class ExpressionError(QuestionnaireError, ValueError):
    """An expression does not parse or does not type-check.

    `reason` says what is wrong, `column` (1-based) where, `hint` what to do instead.
    """

    def __init__(self, reason: str, column: int, text: str = "", hint: str = "") -> None:
        self.reason = reason
        self.column = column
        self.text = text
        self.hint = hint
        message = f"{reason} at column {column}"
        if hint:
            message += f"; {hint}"
        super().__init__(message)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a content file: where it is and what to do about it."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message}"


class ContentError(QuestionnaireError):
    """A content file (or a directory of them) is invalid; `problems` lists every finding."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        files = sorted({p.file for p in self.problems})
        self.file = files[0] if len(files) == 1 else ""
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in {', '.join(files) or 'content'}"
        super().__init__(head + "".join(f"\n  {p}" for p in self.problems))


class AnswerError(QuestionnaireError, ValueError):
    """An answer does not fit its question; carries a message for the user in German and English."""

    def __init__(self, question_id: str, message_de: str, message_en: str) -> None:
        self.question_id = question_id
        self.message_de = message_de
        self.message_en = message_en
        super().__init__(f"{question_id}: {message_en}")

    def message(self, lang: str = "de") -> str:
        """Return the user-facing message in `lang`, falling back to German."""
        return self.message_en if lang == "en" else self.message_de


class UnknownQuestionnaireError(QuestionnaireError, LookupError):
    """No questionnaire (or no question) with the requested id or version exists."""
