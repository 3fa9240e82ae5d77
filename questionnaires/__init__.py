"""Questionnaire engine: model, loader and validation, expressions and answers (pure Python).

Never imports flask, sqlalchemy or advisory; the web app calls these functions with plain data.
"""

from questionnaires.answers import (
    Answer,
    AnswerStatus,
    parse_form_value,
    parse_number,
    validate_answer,
)
from questionnaires.builder import FACTS
from questionnaires.errors import (
    AnswerError,
    ContentError,
    ExpressionError,
    Problem,
    QuestionnaireError,
    UnknownQuestionnaireError,
)
from questionnaires.evaluation import (
    carry_over,
    checked_score,
    expression_values,
    fact_values,
    question_score,
    visible_questions,
)
from questionnaires.expressions import Expression, Type, parse
from questionnaires.loader import (
    QuestionnaireRegistry,
    check_directory,
    load_directory,
    load_questionnaire,
    parse_yaml,
    questionnaire_from_data,
)
from questionnaires.model import (
    DEFAULT_SCORING,
    DOMAIN_IDS,
    GOAL_IDS,
    OVERALL_RULES,
    Band,
    Break,
    Domain,
    Gate,
    Option,
    Profile,
    Question,
    Questionnaire,
    Reference,
    Row,
    Scale,
    ScoringModel,
    Text,
)

__all__ = [
    "DEFAULT_SCORING",
    "DOMAIN_IDS",
    "FACTS",
    "GOAL_IDS",
    "OVERALL_RULES",
    "Answer",
    "AnswerError",
    "AnswerStatus",
    "Band",
    "Break",
    "ContentError",
    "Domain",
    "Expression",
    "ExpressionError",
    "Gate",
    "Option",
    "Problem",
    "Profile",
    "Question",
    "Questionnaire",
    "QuestionnaireError",
    "QuestionnaireRegistry",
    "Reference",
    "Row",
    "Scale",
    "ScoringModel",
    "Text",
    "Type",
    "UnknownQuestionnaireError",
    "carry_over",
    "check_directory",
    "checked_score",
    "expression_values",
    "fact_values",
    "load_directory",
    "load_questionnaire",
    "parse",
    "parse_form_value",
    "parse_number",
    "parse_yaml",
    "question_score",
    "questionnaire_from_data",
    "validate_answer",
    "visible_questions",
]
