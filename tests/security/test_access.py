"""Roles and permissions from ID-token claims (dashboard.core.access), and the `[access]` settings."""
from __future__ import annotations

import pytest

from dashboard.core.access import (
    LOCAL_ACCESS,
    AccessConfigError,
    access_config,
    roles_from_claims,
    signed_in_access,
)

SECTION = {
    "claims": ["roles", "groups"],
    "roles": {
        "team-lead": ["BackupTriage.TeamLead"],
        "support": ["BackupTriage.Support"],
        "docs-writer": ["BackupTriage.DocsWriter"],
        "admin": ["BackupTriage.Admin", "6f1c0a52-0000-4000-8000-000000000001"],
    },
}


def test_no_sign_in_configured_allows_everything() -> None:
    assert LOCAL_ACCESS.may_change_store and LOCAL_ACCESS.may_change_docs and not LOCAL_ACCESS.signed_in


def test_signed_in_without_roles_configured_may_do_everything() -> None:
    access = signed_in_access({"sub": "u1", "email": "ann@example.com"}, access_config(None))
    assert access.user == "ann@example.com" and access.may_change_store and access.may_change_docs


@pytest.mark.parametrize(("claims", "roles", "store", "docs"), [
    ({"roles": ["BackupTriage.TeamLead"]}, {"team-lead"}, True, False),
    ({"roles": "BackupTriage.DocsWriter"}, {"docs-writer"}, False, True),  # one role as a plain string
    ({"roles": ["BackupTriage.Support"]}, {"support"}, False, False),
    ({"groups": ["6f1c0a52-0000-4000-8000-000000000001"]}, {"admin"}, True, True),  # a group id
    ({"roles": ["BackupTriage.TeamLead", "BackupTriage.DocsWriter"]}, {"team-lead", "docs-writer"}, True, True),
    ({}, set(), False, False),  # signed in, no role: reads only
    ({"roles": ["backuptriage.admin"], "wids": ["BackupTriage.Admin"]}, set(), False, False),  # exact values only
    ({"roles": [7, None, {"x": 1}]}, set(), False, False),  # odd claim values are ignored
])
def test_roles_decide_what_a_user_may_change(claims, roles, store, docs) -> None:
    config = access_config(SECTION)
    assert roles_from_claims(claims, config) == roles
    access = signed_in_access({"sub": "u1", "name": "Ann", **claims}, config)
    assert (access.user, access.roles, access.may_change_store, access.may_change_docs) == ("Ann", roles, store, docs)


@pytest.mark.parametrize(("section", "words"), [
    ({"roles": {"owner": ["x"]}}, "'owner' is not a role"),
    ({"roles": ["team-lead"]}, "must map each role"),
    ({"roles": {"admin": [1]}}, "list of claim values"),
    ({"claims": [""]}, "list of claim names"),
])
def test_misconfigured_access_section_is_named(section, words) -> None:
    with pytest.raises(AccessConfigError, match=words):
        access_config(section)
