"""Demographic buckets (age, gender, country, city) and their deterministic, top-45 breakdowns."""

from __future__ import annotations

from typing import Any

from graph_sandbox.insights.generator import split

TOP_BUCKETS = 45

AGES = ("13-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")
GENDERS = ("F", "M", "U")
COUNTRIES = (
    "US", "BR", "IN", "ID", "MX", "TR", "GB", "DE", "FR", "IT", "ES", "AR", "CO", "PH", "JP", "KR", "CA",
    "AU", "NL", "PL", "RU", "UA", "EG", "NG", "ZA", "SA", "AE", "TH", "VN", "MY", "PK", "BD", "CL", "PE",
    "PT", "SE", "NO", "DK", "FI", "BE", "CH", "AT", "IE", "NZ", "SG", "IL", "GR", "RO", "CZ", "HU",
)  # fmt: skip
CITIES = (
    "São Paulo, São Paulo (state)", "Rio de Janeiro, Rio de Janeiro (state)", "Mexico City, Distrito Federal",
    "Istanbul, Istanbul Province", "Jakarta, Jakarta", "Mumbai, Maharashtra", "Delhi, Delhi",
    "London, England", "New York, New York", "Los Angeles, California", "Chicago, Illinois",
    "Houston, Texas", "Miami, Florida", "Buenos Aires, Buenos Aires", "Bogotá, Distrito Especial",
    "Lima, Lima Region", "Santiago, Santiago Metropolitan Region", "Madrid, Comunidad de Madrid",
    "Barcelona, Catalonia", "Paris, Île-de-France", "Berlin, Berlin", "Hamburg, Hamburg",
    "Munich, Bavaria", "Rome, Lazio", "Milan, Lombardy", "Amsterdam, North Holland",
    "Warsaw, Masovian Voivodeship", "Kyiv, Kyiv City", "Cairo, Cairo Governorate", "Lagos, Lagos State",
    "Johannesburg, Gauteng", "Riyadh, Riyadh Region", "Dubai, Dubai", "Bangkok, Bangkok",
    "Ho Chi Minh City, Ho Chi Minh City", "Kuala Lumpur, Kuala Lumpur", "Karachi, Sindh",
    "Dhaka, Dhaka Division", "Manila, Metro Manila", "Tokyo, Tokyo", "Seoul, Seoul", "Toronto, Ontario",
    "Vancouver, British Columbia", "Sydney, New South Wales", "Melbourne, Victoria", "Lisbon, Lisbon",
    "Stockholm, Stockholm County", "Oslo, Oslo", "Copenhagen, Capital Region of Denmark",
    "Helsinki, Uusimaa", "Brussels, Brussels", "Zürich, Canton of Zürich", "Vienna, Vienna",
    "Dublin, Dublin", "Auckland, Auckland Region", "Singapore, Singapore", "Tel Aviv, Tel Aviv District",
    "Athens, Attica", "Bucharest, Bucharest", "Prague, Prague", "Budapest, Budapest",
)  # fmt: skip

DIMENSIONS: dict[str, tuple[str, ...]] = {
    "age": AGES,
    "gender": GENDERS,
    "country": COUNTRIES,
    "city": CITIES,
}


def breakdown(
    total: int, keys: list[str], seed: int, node_id: str, metric: str, timeframe: str
) -> list[dict[str, Any]]:
    """The `results` list for a demographic breakdown: the top 45 buckets, biggest first, string values."""
    combos: list[tuple[str, ...]] = [()]
    for key in keys:
        combos = [(*c, v) for c in combos for v in DIMENSIONS[key]]
    labels = ["|".join(c) for c in combos]
    parts = split(total, labels, seed, node_id, metric, timeframe, ",".join(keys))
    ranked = sorted(parts.items(), key=lambda kv: kv[1], reverse=True)[:TOP_BUCKETS]
    return [{"dimension_values": label.split("|"), "value": value} for label, value in ranked if value > 0]
