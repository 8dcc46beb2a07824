"""A local fake of Discord for end-to-end tests and benchmarks of the real discord.py client."""

from tests.fake_discord.server import FakeDiscord, InteractionRecord, RecordedRequest

__all__ = ["FakeDiscord", "InteractionRecord", "RecordedRequest"]
