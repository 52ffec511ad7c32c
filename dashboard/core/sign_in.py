"""Sign-in for a shared deployment, with Streamlit's `st.login` (OpenID Connect; Microsoft Entra ID is
the documented provider). Off unless the secrets hold an `[auth]` section; then every page first needs a
signed-in user, and what that user may change comes from `dashboard.core.access`. Streamlit keeps the
identity in a signed cookie; the app reads only the ID token's claims and never logs or stores a token.
"""
from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from dashboard.core.access import LOCAL_ACCESS, Access, AccessConfigError, access_config, signed_in_access
from dashboard.core.i18n import _

ACCESS_KEY = "access"
NO_ACCESS = Access(user=None, roles=frozenset(), may_change_store=False, may_change_docs=False)


def _secrets_section(name: str) -> Mapping[str, object] | None:
    if not st.secrets.load_if_toml_exists() or name not in st.secrets:
        return None
    section = st.secrets[name]
    return section.to_dict() if hasattr(section, "to_dict") else dict(section)


def sign_in_configured() -> bool:
    return _secrets_section("auth") is not None


def require_sign_in() -> Access:
    """The session's access. With sign-in configured, a visitor who is not signed in sees only the
    sign-in button (the page stops there); a signed-in user sees who they are and a sign-out button."""
    if not sign_in_configured():
        access = LOCAL_ACCESS
    elif not st.user.is_logged_in:
        st.session_state[ACCESS_KEY] = NO_ACCESS
        st.info(_("This dashboard is shared by a team: sign in to open it."), icon=":material/lock:")
        st.button(_("Sign in"), on_click=st.login, type="primary", icon=":material/login:")
        st.stop()
    else:
        try:
            config = access_config(_secrets_section("access"))
        except AccessConfigError as exc:
            st.session_state[ACCESS_KEY] = NO_ACCESS
            st.error(_("The sign-in settings cannot be used: {reason}", reason=str(exc)))
            st.stop()
        access = signed_in_access(st.user.to_dict(), config)
        st.sidebar.caption(_("Signed in as {user}", user=access.user))
        st.sidebar.button(_("Sign out"), on_click=st.logout, icon=":material/logout:")
    st.session_state[ACCESS_KEY] = access
    return access


def current_access() -> Access:
    """What this session may do, as `require_sign_in` found on this run (nothing, before it ran)."""
    stored = st.session_state.get(ACCESS_KEY)
    if isinstance(stored, Access):
        return stored
    return NO_ACCESS if sign_in_configured() else LOCAL_ACCESS
