"""Who may do what on a shared dashboard: roles from the signed-in user's ID-token claims.

Sign-in is off by default: with no `[auth]` section in the secrets the dashboard is the local,
account-free app and everyone may do everything. With `[auth]` configured every page needs a signed-in
user; an optional `[access]` section maps the values of the ID token's role or group claims to the
dashboard's roles, which decide who may change the job store (import, sync, sample, delete) and who
may point the dashboard at another docs folder. Without `[access]`, every signed-in user may do both.

    [access]
    claims = ["roles", "groups"]            # ID-token claims holding app roles or group ids
    [access.roles]
    team-lead = ["BackupTriage.TeamLead"]   # claim values that grant each role
    support = ["BackupTriage.Support"]
    docs-writer = ["BackupTriage.DocsWriter"]
    admin = ["BackupTriage.Admin", "00000000-0000-0000-0000-000000000000"]
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

ROLES = ("team-lead", "support", "docs-writer", "admin")
DEFAULT_CLAIMS = ("roles", "groups")
STORE_ROLES = frozenset({"team-lead", "admin"})  # import, sync, generate or delete jobs
DOCS_ROLES = frozenset({"docs-writer", "admin"})  # choose the docs folder the dashboard reads


class AccessConfigError(ValueError):
    """The `[access]` section is not shaped as documented."""


@dataclass(frozen=True)
class AccessConfig:
    claims: tuple[str, ...] = DEFAULT_CLAIMS
    role_values: Mapping[str, frozenset[str]] = field(default_factory=dict)  # role -> claim values

    @property
    def uses_roles(self) -> bool:
        return bool(self.role_values)


def access_config(section: Mapping[str, object] | None) -> AccessConfig:
    """The `[access]` secrets section read into an AccessConfig (None or empty: no roles)."""
    if not section:
        return AccessConfig()
    claims = section.get("claims", list(DEFAULT_CLAIMS))
    if isinstance(claims, str):
        claims = [claims]
    if not isinstance(claims, (list, tuple)) or not all(isinstance(c, str) and c for c in claims):
        raise AccessConfigError("[access] claims must be a list of claim names, such as [\"roles\", \"groups\"]")
    roles = section.get("roles", {})
    if not isinstance(roles, Mapping):
        raise AccessConfigError("[access.roles] must map each role to a list of claim values")
    values: dict[str, frozenset[str]] = {}
    for role, granted_by in roles.items():
        if role not in ROLES:
            raise AccessConfigError(f"[access.roles] {role!r} is not a role; the roles are {', '.join(ROLES)}")
        if isinstance(granted_by, str):
            granted_by = [granted_by]
        if not isinstance(granted_by, (list, tuple)) or not all(isinstance(v, str) for v in granted_by):
            raise AccessConfigError(f"[access.roles] {role} must be a list of claim values")
        values[role] = frozenset(granted_by)
    return AccessConfig(tuple(claims), values)


def claim_values(claims: Mapping[str, object], names: tuple[str, ...]) -> frozenset[str]:
    """Every string held by the named claims (a claim may hold one string or a list)."""
    found: set[str] = set()
    for name in names:
        value = claims.get(name)
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, (list, tuple)):
            found.update(item for item in value if isinstance(item, str))
    return frozenset(found)


def roles_from_claims(claims: Mapping[str, object], config: AccessConfig) -> frozenset[str]:
    held = claim_values(claims, config.claims)
    return frozenset(role for role, granting in config.role_values.items() if held & granting)


@dataclass(frozen=True)
class Access:
    """What the current session may do, and who it is (None: no sign-in configured)."""

    user: str | None
    roles: frozenset[str]
    may_change_store: bool
    may_change_docs: bool

    @property
    def signed_in(self) -> bool:
        return self.user is not None


LOCAL_ACCESS = Access(user=None, roles=frozenset(), may_change_store=True, may_change_docs=True)


def signed_in_access(claims: Mapping[str, object], config: AccessConfig) -> Access:
    """The access of a signed-in user with these ID-token claims."""
    user = next((str(claims[key]) for key in ("name", "preferred_username", "email", "sub") if claims.get(key)), "?")
    if not config.uses_roles:
        return Access(user, frozenset(), may_change_store=True, may_change_docs=True)
    roles = roles_from_claims(claims, config)
    return Access(user, roles, may_change_store=bool(roles & STORE_ROLES), may_change_docs=bool(roles & DOCS_ROLES))
