"""Request dependency: the OAuth states and the last authorization, on the app's key-value store."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from clipper.deps import CipherDep
from clipper.oauth.state_store import OAuthStateStore


def get_oauth_states(request: Request, cipher: CipherDep) -> OAuthStateStore:
    """OAuth states and the last authorization, on the app's key-value store."""
    return OAuthStateStore(request.app.state.kv, cipher)


StatesDep = Annotated[OAuthStateStore, Depends(get_oauth_states)]
