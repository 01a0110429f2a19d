"""`/oauth/{platform}/…`: the logins offered, start one (Facebook or Instagram Login), take its callback,
choose accounts, status, disconnect."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from clipper.accounts.models import Account, LoginFlavour
from clipper.accounts.schemas import AccountRead
from clipper.deps import (
    AccountGraphDep,
    CipherDep,
    CurrentUser,
    EventsDep,
    FactoryDep,
    GraphDep,
    OptionalUserOutsideTransaction,
    SessionDep,
    SettingsDep,
    StatesDep,
    UserOutsideTransaction,
)
from clipper.oauth import service
from clipper.oauth.pages import NONCE_COOKIE, callback_response, clear_nonce_cookie, set_nonce_cookie
from clipper.oauth.schemas import (
    AuthorizationUrl,
    AvailableAccountsPage,
    ConnectionStatus,
    DisconnectRequest,
    LoginFlavours,
    SelectAccountRequest,
)

router = APIRouter(prefix="/oauth", tags=["oauth"])


def get_oauth(
    settings: SettingsDep, graph: GraphDep, cipher: CipherDep, states: StatesDep
) -> service.InstagramOAuth:
    """The Facebook Login flow on the app's shared Graph client and key-value store."""
    return service.InstagramOAuth(settings=settings, graph=graph, states=states, cipher=cipher)


Platform = Annotated[str, Depends(service.supported_platform)]
OAuthDep = Annotated[service.InstagramOAuth, Depends(get_oauth)]
CheckPlatform = Depends(service.supported_platform)


@router.get("/instagram/login-flavours", response_model=LoginFlavours)
async def login_flavours(_user: CurrentUser, oauth: OAuthDep) -> LoginFlavours:
    """Which Connect buttons to show: the login flavours this server is configured for."""
    return LoginFlavours(flavours=oauth.login_flavours())


@router.get("/instagram/available-accounts", response_model=AvailableAccountsPage)
async def available_accounts(session: SessionDep, user: CurrentUser, oauth: OAuthDep) -> dict[str, Any]:
    """The Instagram accounts found by the last Facebook Login (kept 30 minutes)."""
    return await oauth.available_accounts(session, user=user)


@router.post("/instagram/select-account", response_model=AccountRead)
async def select_account(
    user: UserOutsideTransaction,
    oauth: OAuthDep,
    hub: EventsDep,
    factory: FactoryDep,
    body: SelectAccountRequest,
) -> Account:
    """Connect one account of the last Facebook Login (call again to connect another)."""
    return await service.select_account(
        oauth, factory, hub=hub, user=user, instagram_business_account_id=body.instagram_business_account_id
    )


@router.get("/{platform}/authorize", response_model=AuthorizationUrl, dependencies=[CheckPlatform])
async def authorize(
    user: CurrentUser,
    oauth: OAuthDep,
    response: Response,
    redirect: bool = Query(False),
    flavour: LoginFlavour = Query(LoginFlavour.FACEBOOK),
) -> Any:
    """The login dialog URL for the popup; `?redirect=1` answers a 302 to it instead.

    `flavour=facebook` (default): Facebook Login, for an Instagram account linked to a Facebook Page;
    `flavour=instagram`: Instagram Login, for a professional account without a Page.
    Both set the short-lived nonce cookie that lets the callback tell this browser's flow apart.
    """
    flow = "redirect" if redirect else "popup"
    start = await oauth.authorization_url(user=user, flow=flow, flavour=flavour)
    if redirect:
        redirect_response = RedirectResponse(start.url, status_code=302)
        set_nonce_cookie(redirect_response, redirect_uri=oauth.redirect_uri, nonce=start.browser_nonce)
        return redirect_response
    set_nonce_cookie(response, redirect_uri=oauth.redirect_uri, nonce=start.browser_nonce)
    return AuthorizationUrl(authorization_url=start.url)


@router.get("/{platform}/callback", response_class=Response, dependencies=[CheckPlatform])
async def callback(
    request: Request,
    user: OptionalUserOutsideTransaction,
    oauth: OAuthDep,
    settings: SettingsDep,
    hub: EventsDep,
    factory: FactoryDep,
) -> Response:
    """Facebook redirects here: answer a page that reports the result to the opener (or redirect)."""
    params = {key: value for key, value in request.query_params.items() if isinstance(value, str)}
    result = await service.complete_login(
        oauth, factory, hub=hub, user=user, params=params, browser_nonce=request.cookies.get(NONCE_COOKIE)
    )
    response = callback_response(settings, result)
    # The state it guarded is used up either way.
    clear_nonce_cookie(response, redirect_uri=oauth.redirect_uri)
    return response


@router.get("/{platform}/status", response_model=ConnectionStatus)
async def status(platform: Platform, session: SessionDep, user: CurrentUser) -> ConnectionStatus:
    """The connected accounts of the platform with their health (`action: reconnect` when needed)."""
    return await service.connection_status(session, user=user, platform=platform)


@router.post("/{platform}/disconnect", response_model=AccountRead, dependencies=[CheckPlatform])
async def disconnect(
    user: UserOutsideTransaction, gateway: AccountGraphDep, states: StatesDep, body: DisconnectRequest
) -> Account:
    """Revoke on Meta's side (best effort), delete the tokens and mark the account inactive."""
    return await service.disconnect(gateway, user=user, account_id=body.account_id, states=states)
