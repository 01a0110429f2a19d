"""Moderation rules: keyword/regex lists that hide or delete matching new comments, with an audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.accounts import service as accounts
from clipper.accounts.graph import AccountGraph
from clipper.accounts.models import Account
from clipper.accounts.permissions import MANAGE_COMMENTS
from clipper.db import unit_of_work, utcnow
from clipper.errors import ClipperError, NotFound
from clipper.inbox import patterns
from clipper.inbox.models import InboxComment, ModerationAction, ModerationRule, RuleAction, RuleKind
from clipper.inputs import id_cursor
from clipper.instagram import InstagramGraphAPI, InstagramGraphAPIError, InvalidTokenError
from clipper.users.models import User

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class RuleInput:
    """What a user sets on a rule (every field optional on update)."""

    name: str | None = None
    kind: RuleKind | None = None
    patterns: list[str] | None = None
    action: RuleAction | None = None
    enabled: bool | None = None


async def list_rules(
    session: AsyncSession, *, user: User, account_id: int, limit: int, cursor: str | None = None
) -> tuple[list[ModerationRule], str | None]:
    """A page of the account's rules, oldest first, and the cursor of the next page."""
    await accounts.get_account(session, user=user, account_id=account_id)
    query = select(ModerationRule).where(ModerationRule.account_id == account_id)
    after = id_cursor(cursor)
    if after is not None:
        query = query.where(ModerationRule.id > after)
    rows = (await session.scalars(query.order_by(ModerationRule.id).limit(limit + 1))).all()
    items = list(rows[:limit])
    return items, str(items[-1].id) if len(rows) > limit and items else None


async def create_rule(
    session: AsyncSession, *, user: User, account_id: int, data: RuleInput
) -> ModerationRule:
    """Add a rule after validating its patterns."""
    await accounts.get_account(session, user=user, account_id=account_id)
    kind = data.kind or RuleKind.KEYWORD
    rule = ModerationRule(
        account_id=account_id,
        name=data.name or "Rule",
        kind=kind,
        patterns=patterns.validate(kind, data.patterns or []),
        action=data.action or RuleAction.HIDE,
        enabled=True if data.enabled is None else data.enabled,
    )
    session.add(rule)
    await session.flush()
    return rule


async def get_rule(session: AsyncSession, *, user: User, account_id: int, rule_id: int) -> ModerationRule:
    """One of the account's rules; NotFound for another account's or user's."""
    await accounts.get_account(session, user=user, account_id=account_id)
    rule = await session.scalar(
        select(ModerationRule).where(ModerationRule.id == rule_id, ModerationRule.account_id == account_id)
    )
    if rule is None:
        raise NotFound(f"No moderation rule with id {rule_id} on this account.")
    return rule


async def update_rule(
    session: AsyncSession, *, user: User, account_id: int, rule_id: int, data: RuleInput
) -> ModerationRule:
    """Change a rule; patterns are validated against its (possibly new) kind."""
    rule = await get_rule(session, user=user, account_id=account_id, rule_id=rule_id)
    kind = data.kind or rule.kind
    if data.patterns is not None or data.kind is not None:
        rule.patterns = patterns.validate(kind, data.patterns if data.patterns is not None else rule.patterns)
    rule.kind = kind
    rule.name = data.name or rule.name
    rule.action = data.action or rule.action
    rule.enabled = rule.enabled if data.enabled is None else data.enabled
    await session.flush()
    return rule


async def delete_rule(session: AsyncSession, *, user: User, account_id: int, rule_id: int) -> None:
    """Remove a rule (its audit entries stay, with the rule's name)."""
    rule = await get_rule(session, user=user, account_id=account_id, rule_id=rule_id)
    await session.delete(rule)
    await session.flush()


async def list_actions(
    session: AsyncSession, *, user: User, account_id: int, limit: int, before_id: int | None
) -> Sequence[ModerationAction]:
    """The audit trail of the account's rules, newest first."""
    await accounts.get_account(session, user=user, account_id=account_id)
    query = select(ModerationAction).where(ModerationAction.account_id == account_id)
    if before_id is not None:
        query = query.where(ModerationAction.id < before_id)
    return (await session.scalars(query.order_by(ModerationAction.id.desc()).limit(limit))).all()


def first_match(rules: Sequence[ModerationRule], text: str) -> tuple[ModerationRule, str] | None:
    """The first enabled rule matching the text, with the pattern that matched."""
    for rule in rules:
        if not rule.enabled:
            continue
        matched = patterns.match(rule.kind, rule.patterns, text)
        if matched is not None:
            return rule, matched
    return None


@dataclass(frozen=True)
class Verdict:
    """What a rule decided for one new comment."""

    rule_id: int
    rule_name: str
    action: RuleAction
    matched: str


def verdict(rules: Sequence[ModerationRule], comment: InboxComment) -> Verdict | None:
    """The action the rules take on a new comment (never on the account's own)."""
    if comment.from_account:
        return None
    found = first_match(rules, comment.text)
    if found is None:
        return None
    rule, matched = found
    return Verdict(rule.id, rule.name, rule.action, matched[:255])


async def _enforce(comment: InboxComment, action: RuleAction, client: InstagramGraphAPI) -> None:
    if action is RuleAction.DELETE:
        await client.delete_comment(comment.platform_comment_id)
    else:
        await client.hide_comment(comment.platform_comment_id, True)


def _mark(comment: InboxComment, action: RuleAction) -> None:
    if action is RuleAction.DELETE:
        comment.deleted = True
    else:
        comment.hidden = True


def _audit(account_id: int, comment: InboxComment, decided: Verdict, error: str | None) -> ModerationAction:
    return ModerationAction(
        account_id=account_id,
        rule_id=decided.rule_id,
        rule_name=decided.rule_name,
        platform_comment_id=comment.platform_comment_id,
        comment_text=comment.text,
        matched=decided.matched,
        action=decided.action,
        succeeded=error is None,
        error=error,
        created_at=utcnow(),
    )


async def rules_of(session: AsyncSession, *, account_id: int) -> Sequence[ModerationRule]:
    """The account's rules in the order they apply (oldest first)."""
    query = select(ModerationRule).where(ModerationRule.account_id == account_id).order_by(ModerationRule.id)
    return (await session.scalars(query)).all()


async def moderate_stored(
    factory: async_sessionmaker[AsyncSession],
    *,
    account: Account,
    comments: Sequence[InboxComment],
    rules: Sequence[ModerationRule],
    access: AccountGraph,
) -> int:
    """Run the account's rules on comments already committed: → how many a rule acted on.

    Meta is called outside any transaction (on SQLite a writer holding the lock across Graph calls makes
    every other request wait); one short unit of work then records the audit trail and the new flags.
    """
    decided = [(comment, found) for comment in comments if (found := verdict(rules, comment))]
    if not decided:
        return 0
    errors: dict[int, str] = {}
    refused: InvalidTokenError | None = None
    for comment, found in decided:
        if refused is not None:
            errors[comment.id] = refused.user_message
            continue
        try:
            await _enforce(comment, found.action, access.client(account, MANAGE_COMMENTS))
        except InvalidTokenError as exc:
            refused = exc
            errors[comment.id] = exc.user_message
        except InstagramGraphAPIError as exc:
            errors[comment.id] = exc.user_message
        except ClipperError as exc:
            errors[comment.id] = exc.message
    if refused is not None:
        await access.refused(account, refused)
    async with unit_of_work(factory) as session:
        for comment, found in decided:
            error = errors.get(comment.id)
            if error is not None:
                log.warning("moderation failed", account_id=account.id, rule_id=found.rule_id, error=error)
            stored = await session.get(InboxComment, comment.id)
            if stored is None:
                continue  # deleted since the sync stored it (with its account, perhaps): nothing to audit
            session.add(_audit(account.id, comment, found, error))
            if error is None:
                _mark(stored, found.action)
                _mark(comment, found.action)
    return len(decided)
