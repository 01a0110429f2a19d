"""Watch every Graph call the app makes: its shared client is swapped for one with an `on_call` hook."""

from __future__ import annotations

from fastapi import FastAPI

from clipper.instagram import InstagramGraphAPI
from clipper.instagram.core import OnCall


def observe_graph_calls(app: FastAPI, on_call: OnCall) -> None:
    """From now on, `on_call(what, status, code, seconds)` hears of each call (`what`: `"GET /{id}/media"` …).

    The app's lifespan must be running: it builds `app.state.graph`.
    """
    graph: InstagramGraphAPI = app.state.graph
    app.state.graph = InstagramGraphAPI(
        base_url=graph.base_url,
        api_version=graph.api_version,
        rupload_url=graph.rupload_url,
        app_id=graph.app_id,
        app_secret=app.state.settings.app_secret,
        http_client=graph.http,
        on_call=on_call,
    )
