"""Who may see and change what: every query for municipal data goes through these functions."""

from __future__ import annotations

from sqlalchemy import Select, false, or_, select, true

from advisory.models import Association, Municipality, Role, ScopeKind, User

ASSOCIATION_ROLES = frozenset({Role.ASSOCIATION_EDITOR, Role.ASSOCIATION_VIEWER})

# Pages each role may reach (blueprint areas); checked by advisory.views.require_area.
AREAS: dict[str, frozenset[Role]] = {
    "municipalities": frozenset(
        {
            Role.MUNICIPAL_EDITOR,
            Role.MUNICIPAL_VIEWER,
            *ASSOCIATION_ROLES,
            Role.ADVISOR,
            Role.TRAINER,
            Role.ADMIN,
        }
    ),
    "associations": frozenset({*ASSOCIATION_ROLES, Role.ADVISOR, Role.TRAINER, Role.ADMIN}),
    "admin": frozenset({Role.ADMIN}),
    "portfolio": frozenset({Role.ADVISOR, Role.TRAINER, Role.ADMIN}),
    # Municipal users see only their own district's figures there, without names.
    "regions": frozenset(
        {Role.MUNICIPAL_EDITOR, Role.MUNICIPAL_VIEWER, Role.ADVISOR, Role.TRAINER, Role.ADMIN}
    ),
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
    if role.is_association:
        # Staff of a shared administration see (read-only) the municipalities it works for.
        if user.association_id is None:
            return false()
        code = select(Association.code).where(Association.id == user.association_id)
        return (Municipality.association_code == code.scalar_subquery()) & (
            Municipality.association_name.is_not(None)
        )
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


def can_view(user: User, municipality: Municipality | None) -> bool:
    """Tell whether the user may see this municipality's data.

    None (the owner of an association's inventory) is never a municipality anyone may see: those
    inventories have their own pages (advisory/associations), guarded by `can_view_association`.
    """
    role = Role(user.role)
    if municipality is None:
        return False
    if role is Role.ADMIN:
        return True
    if role.is_municipal:
        return user.municipality_id == municipality.id
    if role.is_association:
        return (
            user.association is not None
            and municipality.association_name is not None
            and municipality.association_code == user.association.code
        )
    if role.has_scope:
        return any(_in_scope(scope.kind, scope.code, municipality) for scope in user.scopes)
    return False


def can_edit_answers(user: User, municipality: Municipality | None) -> bool:
    """Tell whether the user may change this municipality's answers (editors and advisors)."""
    role = Role(user.role)
    if municipality is None:
        return False
    if role is Role.MUNICIPAL_EDITOR:
        return user.municipality_id == municipality.id
    if role is Role.ADVISOR:
        return can_view(user, municipality)
    return False


def can_review(user: User, municipality: Municipality | None) -> bool:
    """Tell whether the user may review this municipality's inventory (advisors in scope)."""
    role = Role(user.role)
    if municipality is None:
        return False
    if role is Role.ADMIN:
        return True
    return role is Role.ADVISOR and can_view(user, municipality)


def association_condition(user: User):
    """Return a SQL condition on Association that holds exactly for what the user may see."""
    role = Role(user.role)
    if role is Role.ADMIN:
        return true()
    if role.is_association:
        if user.association_id is None:
            return false()
        return Association.id == user.association_id
    if role.has_scope:
        parts = []
        for scope in user.scopes:
            if scope.kind == ScopeKind.STATE:
                parts.append(Association.state_code == scope.code)
            elif scope.kind == ScopeKind.DISTRICT:
                parts.append(Association.district_code == scope.code)
        return or_(*parts) if parts else false()
    return false()


def visible_association_ids(user: User) -> Select:
    """Return a subquery of the ids of the associations the user may see."""
    return select(Association.id).where(association_condition(user))


def can_view_association(user: User, association: Association) -> bool:
    """Tell whether the user may see the association, its inventory and its members' list.

    Its staff, admins, and advisors and trainers whose portfolio holds its state or district.
    """
    role = Role(user.role)
    if role is Role.ADMIN:
        return True
    if role.is_association:
        return user.association_id == association.id
    if role.has_scope:
        return any(
            (scope.kind == ScopeKind.STATE and association.state_code == scope.code)
            or (scope.kind == ScopeKind.DISTRICT and association.district_code == scope.code)
            for scope in user.scopes
        )
    return False


def can_edit_association(user: User, association: Association) -> bool:
    """Tell whether the user may answer the association's inventory (its editors, advisors)."""
    role = Role(user.role)
    if role is Role.ASSOCIATION_EDITOR:
        return user.association_id == association.id
    if role is Role.ADVISOR:
        return can_view_association(user, association)
    return False


def may_enter(user: User, area: str) -> bool:
    """Tell whether the user's role may reach the pages of an area."""
    return Role(user.role) in AREAS[area]


def _in_scope(kind: str, code: str, municipality: Municipality) -> bool:
    if kind == ScopeKind.STATE:
        return municipality.state_code == code
    if kind == ScopeKind.DISTRICT:
        return municipality.district_code == code
    return municipality.ags == code
