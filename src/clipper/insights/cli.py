"""`clipper insights show ACCOUNT_ID --metrics reach,likes --days 30 --user-email you@example.com`."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.config import Settings
from clipper.db import unit_of_work
from clipper.errors import ClipperError, NotFound
from clipper.insights import ranges, service
from clipper.insights.cache import Services
from clipper.insights.schemas import AccountInsightsRead
from clipper.users import service as users

COMMAND_NAME = "insights"
app = typer.Typer(help="Instagram insights of your connected accounts.", no_args_is_help=True)


async def show_insights(
    factory: async_sessionmaker[AsyncSession],
    *,
    services: Services,
    user_email: str,
    account_id: int,
    metrics: Sequence[str] | None,
    days: int,
) -> AccountInsightsRead:
    """The account's metrics over the last `days` days (today included), as the user would see them."""
    async with unit_of_work(factory, immediate=False) as session:
        user = await users.get_user_by_email(session, email=user_email)
    if user is None:
        raise NotFound(f"No user with the email {user_email}.")
    until = ranges.today()
    return await service.get_account_insights(
        user=user,
        account_id=account_id,
        services=services,
        metrics=metrics,
        since=until - timedelta(days=max(days, 1) - 1),
        until=until,
    )


def render(insights: AccountInsightsRead) -> str:
    """A plain-text table: one line per metric with its total and daily points."""
    lines = [f"Account {insights.account_id}: {insights.since} → {insights.until} ({insights.source})"]
    width = max((len(m.name) for m in insights.metrics), default=0)
    for metric in insights.metrics:
        total = "—" if metric.total is None else f"{metric.total:,}"
        lines.append(f"  {metric.name:<{width}}  {total:>12}  ({len(metric.values)} day(s) known)")
    return "\n".join(lines)


async def _show(
    settings: Settings, *, user_email: str, account_id: int, metrics: list[str] | None, days: int
) -> AccountInsightsRead:
    from clipper.resources import open_resources

    async with open_resources(settings) as resources:
        return await show_insights(
            resources.session_factory,
            services=Services.of(resources),
            user_email=user_email,
            account_id=account_id,
            metrics=metrics,
            days=days,
        )


@app.command("show")
def show(
    account_id: Annotated[
        int, typer.Argument(help="The connected account's id (see `GET /api/v1/accounts`).")
    ],
    user_email: Annotated[str, typer.Option("--user-email", help="The account owner's email.")],
    metrics: Annotated[str, typer.Option(help="Comma-separated metrics (default: all).")] = "",
    days: Annotated[int, typer.Option(help="How many days back, today included.", min=1, max=731)] = 30,
) -> None:
    """Print an account's insights over the last DAYS days."""
    names = [m.strip() for m in metrics.split(",") if m.strip()] or None
    try:
        insights = asyncio.run(
            _show(Settings(), user_email=user_email, account_id=account_id, metrics=names, days=days)
        )
    except ClipperError as error:
        typer.echo(f"error: {error.message}", err=True)
        raise typer.Exit(code=1) from None
    typer.echo(render(insights))
