"""Usage headers: parsing, the tracker's wait, and the client pausing before a call."""

from __future__ import annotations

import json

import httpx
import pytest

from clipper.instagram import RateLimitError, UsageTracker
from clipper.instagram import usage as usage_module
from clipper.instagram.usage import parse_app_usage, parse_business_usage, token_fingerprint

IG = "17841400000000001"


def buc(ig_id=IG, call_count=10, eta=0, **extra):
    entry = {
        "type": "instagram",
        "call_count": call_count,
        "total_cputime": 1,
        "total_time": 2,
        "estimated_time_to_regain_access": eta,
        **extra,
    }
    return json.dumps({ig_id: [entry]})


class TestParsing:
    def test_app_usage(self):
        usage = parse_app_usage('{"call_count":28,"total_time":25,"total_cputime":91}')
        assert (usage.call_count, usage.total_time, usage.total_cputime) == (28, 25, 91)
        assert usage.highest == 91

    @pytest.mark.parametrize("junk", [None, "", "not json", "[1,2]", '"text"'])
    def test_absent_or_junk_app_usage_is_none(self, junk):
        assert parse_app_usage(junk) is None

    def test_business_usage_by_object_id(self):
        parsed = parse_business_usage(buc(call_count=95, eta=3))
        [entry] = parsed[IG]
        assert entry.type == "instagram"
        assert entry.call_count == 95
        assert entry.estimated_time_to_regain_access == 3

    def test_business_usage_tolerates_junk_entries(self):
        parsed = parse_business_usage(json.dumps({IG: [{"call_count": "x"}, 7], "2": {"call_count": 5}}))
        assert parsed[IG][0].call_count == 0
        assert len(parsed[IG]) == 1
        assert parsed["2"][0].call_count == 5
        assert parse_business_usage("{{{") == {}


class TestTracker:
    def test_headers_are_read_case_insensitively(self):
        tracker = UsageTracker()
        tracker.update({"x-APP-usage": '{"call_count": 50}', "X-BUSINESS-USE-CASE-USAGE": buc()}, IG)
        assert tracker.app_usage.call_count == 50
        assert tracker.business_usage(IG)[0].call_count == 10

    def test_no_wait_below_the_threshold(self):
        tracker = UsageTracker()
        tracker.update({"X-App-Usage": '{"call_count": 89}', "X-Business-Use-Case-Usage": buc(call_count=89)})
        assert tracker.wait_seconds(IG) == 0

    def test_estimated_time_to_regain_access_is_in_minutes(self):
        tracker = UsageTracker(clock=lambda: 100.0)
        tracker.update({"X-Business-Use-Case-Usage": buc(call_count=100, eta=2)})
        assert tracker.wait_seconds(IG) == 120
        assert tracker.wait_seconds("another-object") == 0

    def test_pause_when_over_threshold_without_estimate(self):
        tracker = UsageTracker(pause_seconds=30, clock=lambda: 0.0)
        tracker.update({"X-Business-Use-Case-Usage": buc(call_count=91)})
        assert tracker.wait_seconds(IG) == 30

    def test_threshold_is_configurable(self):
        tracker = UsageTracker(threshold=50, pause_seconds=10, clock=lambda: 0.0)
        tracker.update({"X-App-Usage": '{"call_count": 60}'})
        assert tracker.wait_seconds() == 10

    def test_page_usage_is_tracked_per_page(self):
        tracker = UsageTracker(pause_seconds=10, clock=lambda: 0.0)
        tracker.update({"X-Page-Usage": '{"call_count": 99}'}, "page-1")
        assert tracker.page_usage("page-1").call_count == 99
        assert tracker.wait_seconds("page-1") == 10
        assert tracker.wait_seconds("page-2") == 0

    def test_time_already_passed_counts(self):
        now = [0.0]
        tracker = UsageTracker(pause_seconds=60, clock=lambda: now[0])
        tracker.update({"X-App-Usage": '{"call_count": 95}'})
        now[0] = 45.0
        assert tracker.wait_seconds() == 15
        now[0] = 61.0
        assert tracker.wait_seconds() == 0


class TestAccountsLearntFromAnswers:
    def test_a_node_waits_on_the_account_its_answers_reported(self):
        tracker = UsageTracker(pause_seconds=30, clock=lambda: 0.0)
        tracker.update({"X-Business-Use-Case-Usage": buc(call_count=95)}, "media-1")
        assert tracker.accounts_for("media-1") == {"media-1", IG}
        assert tracker.wait_seconds("media-1") == 30
        assert tracker.wait_seconds("media-2") == 0

    def test_a_token_of_one_account_waits_on_it_for_any_node(self):
        tracker = UsageTracker(pause_seconds=30, clock=lambda: 0.0)
        key = token_fingerprint("PAGEtoken")
        tracker.update({"X-Business-Use-Case-Usage": buc(call_count=95)}, IG, token_key=key)
        assert tracker.wait_seconds("never-seen", token_key=key) == 30
        assert tracker.wait_seconds("never-seen", token_key=token_fingerprint("other")) == 0

    def test_a_token_of_two_accounts_only_waits_per_node(self):
        tracker = UsageTracker(pause_seconds=30, clock=lambda: 0.0)
        key = token_fingerprint("USERtoken")
        tracker.update({"X-Business-Use-Case-Usage": buc(call_count=95)}, IG, token_key=key)
        tracker.update({"X-Business-Use-Case-Usage": buc("1784", call_count=5)}, "1784", token_key=key)
        assert tracker.wait_seconds("never-seen", token_key=key) == 0
        assert tracker.wait_seconds(IG, token_key=key) == 30

    def test_the_tracker_holds_no_raw_token_and_forgets_old_nodes(self, monkeypatch):
        monkeypatch.setattr(usage_module, "REMEMBERED_OWNERS", 2)
        tracker = UsageTracker(clock=lambda: 0.0)
        for node in ("m1", "m2", "m3"):
            tracker.update({"X-Business-Use-Case-Usage": buc()}, node, token_key=token_fingerprint("EAAraw"))
        assert tracker.accounts_for("m1") == {"m1"}
        assert tracker.accounts_for("m3") == {"m3", IG}
        assert "EAAraw" not in repr(vars(tracker))


class TestClientPacing:
    async def test_pauses_before_the_next_call_on_a_hot_account(self, make_client, sleeps):
        seen = []

        def handler(request):
            seen.append(request.url.path)
            return httpx.Response(
                200, json={"id": IG}, headers={"X-Business-Use-Case-Usage": buc(call_count=96)}
            )

        client = make_client(handler, usage_pause_seconds=5)
        await client.get_instagram_account_info(IG)
        assert sleeps == []
        await client.get_instagram_account_info(IG)
        assert sleeps == [pytest.approx(5, abs=0.5)]
        await client.get_media_details("17900000000000001")
        assert len(sleeps) == 2  # this token only ever counted against IG: all its calls wait on IG
        await client.with_token("OTHERtoken-abcdef").get_media_details("17900000000000002")
        assert len(sleeps) == 2  # an unseen node with a token never reported against IG: no pause
        assert len(seen) == 4

    async def test_app_usage_pauses_every_call(self, make_client, sleeps):
        client = make_client(
            lambda r: httpx.Response(200, json={"id": "1"}, headers={"X-App-Usage": '{"call_count": 97}'}),
            usage_pause_seconds=3,
        )
        await client.get_media_details("1")
        await client.get_media_details("2")
        assert sleeps == [pytest.approx(3, abs=0.5)]

    async def test_a_wait_longer_than_allowed_raises_without_calling(self, make_client, sleeps):
        calls = []

        def handler(request):
            calls.append(request)
            return httpx.Response(200, json={"id": IG}, headers={"X-Business-Use-Case-Usage": buc(eta=30)})

        client = make_client(handler, max_usage_wait=60)
        await client.get_instagram_account_info(IG)
        with pytest.raises(RateLimitError) as raised:
            await client.get_instagram_account_info(IG)
        assert raised.value.retry_after_seconds == pytest.approx(1800, abs=1)
        assert len(calls) == 1
        assert sleeps == []

    async def test_tracker_is_shared_with_clients_for_other_tokens(self, make_client):
        client = make_client(
            lambda r: httpx.Response(200, json={"id": IG}, headers={"X-App-Usage": '{"call_count": 42}'})
        )
        page_client = client.with_token("PAGEtoken-abcdef")
        await page_client.get_instagram_account_info(IG)
        assert client.usage.app_usage.call_count == 42
        assert page_client.usage is client.usage
