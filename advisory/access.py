"""Who may see and change what: every query for municipal data goes through these functions."""

from __future__ import annotations

from sqlalchemy import Select, false, or_, select, true

from advisory.models import Municipality, Role, ScopeKind, User

# Pages each role may reach (blueprint areas); checked by advisory.views.require_area.
AREAS: dict[str, frozenset[Role]] = {
    "municipalities": frozenset(
        {Role.MUNICIPAL_EDITOR, Role.MUNICIPAL_VIEWER, Role.ADVISOR, Role.TRAINER, Role.ADMIN}
    ),
    "admin": frozenset({Role.ADMIN}),
    "portfolio": frozenset({Role.ADVISOR, Role.TRAINER, Role.ADMIN}),
    "catalogue_review": frozenset({Role.CURATOR, Role.ADMIN}),
    "team": frozenset({Role.MUNICIPAL_EDITOR, Role.MUNICIPAL_VIEWER}),
    "training": frozenset({Role.TRAINER, Role.ADMIN}),
    "training_sessions": frozenset(
        {Role.MUNICIPAL_EDITOR, Role.MUNICIPAL_VIEWER, Role.TRAINER, Role.ADMIN}
    ),
    # Peer benchmark consent and cooperation requests between municipalities.
    "cooperation": frozenset(
        {Role.MUNICIPAL_EDITOR, Role.MUNICIPAL_VIEWER, Role.ADVISOR, Role.ADMIN}
    ),
}


def municipality_condition(user: User):
    """Return a SQL condition on Municipality that holds exactly for what the user may see."""
    role = Role(user.role)
    if role is Role.ADMIN:
        return true()
    if role.is_municipal:
        if user.municipality_id is None:
            return false()
        return Municipality.id == user.municipality_id
    if role.has_scope:
        parts = []
        for scope in user.scopes:
            if scope.kind == ScopeKind.STATE:
                parts.append(Municipality.state_code == scope.code)
            elif scope.kind == ScopeKind.DISTRICT:
                parts.append(Municipality.district_code == scope.code)
            elif scope.kind == ScopeKind.MUNICIPALITY:
                parts.append(Municipality.ags == scope.code)
        return or_(*parts) if parts else false()
    return false()


def visible_municipality_ids(user: User) -> Select:
    """Return a subquery of the ids of the municipalities the user may see."""
    return select(Municipality.id).where(municipality_condition(user))


def can_view(user: User, municipality: Municipality) -> bool:
    """Tell whether the user may see this municipality's data."""
    role = Role(user.role)
    if role is Role.ADMIN:
        return True
    if role.is_municipal:
        return user.municipality_id == municipality.id
    if role.has_scope:
        return any(_in_scope(scope.kind, scope.code, municipality) for scope in user.scopes)
    return False


def can_edit_answers(user: User, municipality: Municipality) -> bool:
    """Tell whether the user may change this municipality's answers (editors and advisors)."""
    role = Role(user.role)
    if role is Role.MUNICIPAL_EDITOR:
        return user.municipality_id == municipality.id
    if role is Role.ADVISOR:
        return can_view(user, municipality)
    return False


def can_review(user: User, municipality: Municipality) -> bool:
    """Tell whether the user may review this municipality's inventory (advisors in scope)."""
    role = Role(user.role)
    if role is Role.ADMIN:
        return True
    return role is Role.ADVISOR and can_view(user, municipality)


def may_enter(user: User, area: str) -> bool:
    """Tell whether the user's role may reach the pages of an area."""
    return Role(user.role) in AREAS[area]


def _in_scope(kind: str, code: str, municipality: Municipality) -> bool:
    if kind == ScopeKind.STATE:
        return municipality.state_code == code
    if kind == ScopeKind.DISTRICT:
        return municipality.district_code == code
    return municipality.ags == code
