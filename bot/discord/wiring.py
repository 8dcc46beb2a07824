"""Building the bot's `Services` from the service: one recipe for
production (`deepread run`) and the end-to-end tests, so the tests run what users run.

The persistent resource buttons ("Mark read", "Save for later") are wired here to
`Service.mark`: they outlive restarts, so their handler must come from the services rather
than from any one message's view.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.discord.metrics import Metrics
from bot.discord.resources import inert
from bot.discord.services import ResourceAction, Services
from bot.service import Service, ServiceError

BUTTON_STATUSES: Mapping[str, str] = {"mark": "done", "save": "saved"}


def mark_action(service: Service, status: str) -> ResourceAction:
    async def act(user_id: int, resource_id: str) -> str:
        try:
            result = await service.mark(user_id, resource_id, status)
        except ServiceError:
            return "That resource is no longer in the catalog.\n-# Try /recommend for others."
        return inert(result.message)

    return act


def resource_actions(service: Service) -> dict[str, ResourceAction]:
    return {action: mark_action(service, status) for action, status in BUTTON_STATUSES.items()}


def build_services(service: Service, metrics: Metrics | None = None) -> Services:
    """The bot's services over `service`, its database timings reported to `metrics`."""
    metrics = metrics or Metrics()
    service.time_store(metrics.observe_db)
    return Services(service=service, resource_actions=resource_actions(service), metrics=metrics)
