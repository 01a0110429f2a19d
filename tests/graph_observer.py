"""Watch every Graph call the app makes: its shared client is swapped for one with an `on_call` hook."""

from __future__ import annotations

from fastapi import FastAPI

from clipper.config import Settings
from clipper.instagram import InstagramGraphAPI
from clipper.instagram.core import OnCall
from clipper.observability import record_graph_call


def observed_graph_client(app: FastAPI, on_call: OnCall) -> InstagramGraphAPI:
    """A Graph client like the app's whose every call `on_call(what, status, code, seconds)` hears of.

    Built from the same settings as production's (`resources.graph_client`): same retries and usage threshold,
    and the Prometheus hook still runs before the observer. The app's lifespan must be running: it builds
    `app.state.graph`.
    """

    def both(what: str, status: int | None, code: int | None, seconds: float) -> None:
        record_graph_call(what, status, code, seconds)
        on_call(what, status, code, seconds)

    settings: Settings = app.state.settings
    graph: InstagramGraphAPI = app.state.graph
    return InstagramGraphAPI(
        base_url=graph.base_url,
        api_version=graph.api_version,
        rupload_url=graph.rupload_url,
        app_id=graph.app_id,
        app_secret=settings.app_secret,
        http_client=graph.http,
        max_retries=settings.graph_max_retries,
        usage_threshold=settings.graph_usage_threshold_percent,
        on_call=both,
    )


def observe_graph_calls(app: FastAPI, on_call: OnCall) -> None:
    """From now on, the app's Graph calls go through `observed_graph_client` (`what`: `"GET /{id}"` …)."""
    app.state.graph = observed_graph_client(app, on_call)
