"""Turning stored rows into the API's shapes: latest figures, the side-by-side rows, the time series."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from clipper.accounts.models import Account
from clipper.competitors.models import OWN_SUBJECT, Competitor, CompetitorSnapshot
from clipper.competitors.schemas import ComparisonRow, CompetitorRead, Figures, HistorySeries


def figures(row: CompetitorSnapshot | None) -> Figures | None:
    """A snapshot's figures (None when there is none yet)."""
    return Figures.model_validate(row) if row is not None else None


def competitor_read(competitor: Competitor, latest: Mapping[str, CompetitorSnapshot]) -> CompetitorRead:
    """A competitor with its newest figures."""
    read = CompetitorRead.model_validate(competitor)
    read.latest = figures(latest.get(competitor.username))
    return read


def own_figures(account: Account, latest: Mapping[str, CompetitorSnapshot], *, today: date) -> Figures | None:
    """Our account's newest snapshot, or else the profile stored when it was connected or last checked."""
    stored = latest.get(OWN_SUBJECT)
    if stored is not None:
        return figures(stored)
    if account.followers_count is None and account.media_count is None:
        return None
    seen = account.profile_refreshed_at.date() if account.profile_refreshed_at else today
    return Figures(day=seen, followers_count=account.followers_count, media_count=account.media_count)


def comparison_rows(
    account: Account,
    competitors: Sequence[Competitor],
    latest: Mapping[str, CompetitorSnapshot],
    *,
    today: date,
) -> list[ComparisonRow]:
    """Our account first, then each competitor, with the newest figures of each."""
    own = ComparisonRow(
        username=account.account_username or account.platform_account_id,
        is_own=True,
        latest=own_figures(account, latest, today=today),
    )
    others = [
        ComparisonRow(
            competitor_id=c.id, username=c.username, is_own=False, latest=figures(latest.get(c.username))
        )
        for c in competitors
    ]
    return [own, *others]


def series(
    account: Account, competitors: Sequence[Competitor], rows: Sequence[CompetitorSnapshot]
) -> list[HistorySeries]:
    """One series per account (ours first, then each competitor), points oldest first."""
    by_subject: dict[str, list[Figures]] = {}
    for row in rows:
        by_subject.setdefault(row.subject, []).append(Figures.model_validate(row))
    own = HistorySeries(
        username=account.account_username or account.platform_account_id,
        is_own=True,
        points=by_subject.get(OWN_SUBJECT, []),
    )
    others = [
        HistorySeries(
            competitor_id=c.id, username=c.username, is_own=False, points=by_subject.get(c.username, [])
        )
        for c in competitors
    ]
    return [own, *others]
