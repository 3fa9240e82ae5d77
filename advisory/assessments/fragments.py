"""Rendered questions of the domain pages, kept per worker and keyed by everything they show.

A domain page draws about a dozen questions with the `question` macro of
templates/_macros/questions.html; drawing them was about half of the page's time. A question's
markup depends only on the question (questionnaire id and version), the language, the inventory
and the shown answer state (revision, value, who saved it and when, carried over), whether it is
visible, whether the user may edit and where an inherited answer comes from. With all of these
in the key, a kept fragment is exactly what the macro would draw now: after a save only the
changed question is drawn again. Questions with a form error or a conflict are always drawn.

`ADVISORY_FRAGMENT_CACHE` sets how many fragments a worker keeps (0: none).
"""

from __future__ import annotations

from flask import current_app, render_template
from markupsafe import Markup

from advisory.assessments.answer_forms import QuestionState
from advisory.catalogue import labels
from advisory.kept import app_kept

MACROS = "_macros/questions.html"


def question_html(
    question,
    state: QuestionState,
    lang: str,
    visible: bool,
    error: str | None,
    conflict: dict | None,
    may_edit: bool,
    assessment_id: int,
    *,
    questionnaire: tuple[str, str],
    source: str | None = None,
    history: bool = True,
) -> Markup:
    """Return the question's markup, drawn by the macro or kept from an equal earlier drawing."""
    macro = current_app.jinja_env.get_template(MACROS).module.question
    size = int(current_app.config.get("FRAGMENT_CACHE", 0) or 0)
    arguments = (question, state, lang, visible, error, conflict, may_edit, assessment_id)
    if size <= 0 or error or conflict or state.from_form:
        return macro(*arguments, source=source, history=history)
    key = (
        questionnaire,
        question.id,
        lang,
        visible,
        may_edit,
        assessment_id,
        source,
        history,
        state.key(),
    )
    kept = app_kept("question_fragments", size)
    html = kept.get(key)
    if html is None:
        html = macro(*arguments, source=source, history=history)
        kept.put(key, html, size)
    return html


#: Recommendation sections of the results page kept per worker: the newest per inventory and
#: language, with the results and plan statuses it was drawn from.
RECOMMENDATIONS_KEPT = 64


def recommendations_html(assessment_id: int, results, plan, lang: str) -> Markup:
    """Return the results page's recommended steps (templates/assessments/_recommendations.html).

    Drawing the steps was most of the results page. `results` comes from the results cache, so
    an unchanged inventory gives the very same object; a kept section is reused only for that
    object, the same language and the same status of every step in the action plan.
    """
    goals = results.questionnaire.find_question("profile.goals")

    def draw() -> Markup:
        return Markup(  # noqa: S704 - the output of an autoescaped template
            render_template(
                "assessments/_recommendations.html",
                assessment_id=assessment_id,
                results=results,
                plan=plan,
                lang=lang,
                goal_labels={o.id: o.label.get(lang) for o in goals.options} if goals else {},
                role_words=labels.ROLES,
                domain_titles=lambda ids: [results.scores.domain(i).title.get(lang) for i in ids],
            )
        )

    if not current_app.config.get("FRAGMENT_CACHE"):
        return draw()
    statuses = tuple((entry.key, entry.status) for entry in plan.entries)
    key = (assessment_id, lang)
    kept = app_kept("recommendation_sections", RECOMMENDATIONS_KEPT)
    found = kept.get(key)
    if found is not None and found[0] is results and found[1] == statuses:
        return found[2]
    html = draw()
    kept.put(key, (results, statuses, html))
    return html
