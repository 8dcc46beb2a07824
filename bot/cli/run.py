"""`deepread run`, `deepread sync`, `deepread invite`: the bot's own commands.

The token is read from settings (DISCORD_TOKEN in the environment or .env) and never printed:
not in errors, not in logs (a redacting filter is installed before the bot starts).

discord.py, aiohttp and the bot's wiring are imported inside `run` and `sync` only, after the
token check: `deepread --help` and `invite` stay fast and a missing token is reported at once.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli._common import UserError
from bot.settings import Settings, load_settings

if TYPE_CHECKING:
    from bot.discord.services import Services

SCOPES = ("bot", "applications.commands")
AUTHORIZE_URL = "https://discord.com/oauth2/authorize"

# Discord's permission bits (https://discord.com/developers/docs/topics/permissions).
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
CREATE_PUBLIC_THREADS = 1 << 35
SEND_MESSAGES_IN_THREADS = 1 << 38
SEND_POLLS = 1 << 49


@dataclass(frozen=True, slots=True)
class InvitePermissions:
    """The permission integer an invite asks for (what discord.py's `Permissions.value` is),
    kept here so that printing an invite needs no discord.py import."""

    value: int


# The least the bot needs. Slash commands and their replies need no channel permission at all
# (interaction responses go through a webhook), so these are for what the bot posts itself:
# the /daily pick in a channel (view channel, send messages, embed links), /export files
# delivered in a channel (attach files), finding/editing its own earlier posts there, e.g.
# yesterday's daily pick (read message history), the reading club's poll (create polls), and
# the discussion thread under each daily post and club announcement (create public threads,
# send messages in threads). Manage Events is left to admins who want club meetings as
# server events (`/club status` says so).
PERMISSIONS = InvitePermissions(
    VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | SEND_POLLS
    | CREATE_PUBLIC_THREADS
    | SEND_MESSAGES_IN_THREADS
)


def require_token(settings: Settings) -> str:
    token = settings.discord_token.get_secret_value().strip() if settings.discord_token else ""
    if not token:
        raise UserError("DISCORD_TOKEN is not set (put it in the environment or in .env).")
    return token


async def default_services(settings: Settings) -> Services:
    """Production wiring: the catalog, its engine (index cached under CACHE_DIR, fitted in a
    child process when cold, so the bot never holds scikit-learn), and the service over
    DATABASE_URL with migrations applied; persistent buttons mark through it; its database
    timings go to the bot's metrics."""
    from bot.discord.metrics import Metrics
    from bot.discord.wiring import build_services
    from bot.service import Service

    return build_services(await Service.from_settings(settings, fit_apart=True), Metrics())


async def _run_bot(settings: Settings, token: str) -> None:
    from bot.discord import runner

    services = await default_services(settings)
    try:
        await runner.run(settings, services, token)
    finally:
        await services.aclose()  # already closed by the bot unless start-up failed


def configure_logging(settings: Settings, token: str) -> None:
    """Text or JSON lines on stderr (LOG_FORMAT), the token redacted from either."""
    from bot.cli.logs import formatter
    from bot.discord import redaction

    handler = logging.StreamHandler()
    handler.setFormatter(formatter(settings.log_format))
    logging.basicConfig(level=settings.log_level.upper(), handlers=[handler])
    redaction.install(token)


def _discord_failure(exc: Exception, settings: Settings) -> UserError:
    import discord

    if isinstance(exc, discord.LoginFailure):
        return UserError("Discord rejected DISCORD_TOKEN (401 Unauthorized); check the token.")
    where = settings.discord_api_base or "discord.com"
    return UserError(f"could not reach Discord at {where}: {type(exc).__name__}", exit_code=1)


def run() -> None:
    """Run the Discord bot until interrupted (SIGINT/SIGTERM stop it cleanly)."""
    settings = load_settings()
    token = require_token(settings)
    import aiohttp
    import discord

    from bot.service import StoreError

    configure_logging(settings, token)
    try:
        asyncio.run(_run_bot(settings, token))
    except (discord.LoginFailure, aiohttp.ClientConnectionError) as exc:
        raise _discord_failure(exc, settings) from None
    except StoreError as exc:
        raise UserError(f"cannot open the database: {exc}", exit_code=1) from None


def sync(
    guild: Annotated[
        int | None,
        typer.Option("--guild", help="Sync to this guild (instant) instead of globally."),
    ] = None,
) -> None:
    """Push slash-command definitions to Discord now (DEV_GUILD_ID is used if set)."""
    settings = load_settings()
    token = require_token(settings)
    import aiohttp
    import discord

    from bot.discord import runner
    from bot.discord.services import Services

    configure_logging(settings, token)
    try:
        count, target = asyncio.run(runner.sync(settings, Services(), token, guild_id=guild))
    except (discord.LoginFailure, aiohttp.ClientConnectionError) as exc:
        raise _discord_failure(exc, settings) from None
    where = f"guild {target}" if target is not None else "all guilds (global; may take a while)"
    typer.echo(f"synced {count} commands to {where}")


def client_id_from_token(token: str) -> int:
    """The application id encoded in a bot token's first segment (base64 of the bot user id).

    For applications created since 2016-ish the bot user id equals the application id, which
    is what the invite URL needs; pass --client-id when yours differs.
    """
    first = token.split(".", 1)[0]
    try:
        decoded = base64.b64decode(first + "=" * (-len(first) % 4), validate=False).decode()
        return int(decoded)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise UserError(
            "cannot read the application id from DISCORD_TOKEN; pass --client-id"
        ) from None


def invite_url(client_id: int) -> str:
    """The same URL as discord.py's `utils.oauth_url(client_id, permissions=PERMISSIONS,
    scopes=SCOPES)` (a test holds them equal), built without importing discord.py."""
    scope = "+".join(SCOPES)
    return f"{AUTHORIZE_URL}?client_id={client_id}&scope={scope}&permissions={PERMISSIONS.value}"


def invite(
    client_id: Annotated[
        int | None,
        typer.Option("--client-id", help="Application id (default: read from DISCORD_TOKEN)."),
    ] = None,
) -> None:
    """Print the URL that adds the bot to a server, with the minimal permissions."""
    if client_id is None:
        client_id = client_id_from_token(require_token(load_settings()))
    typer.echo(invite_url(client_id))


def register(app: typer.Typer) -> None:
    app.command("run")(run)
    app.command("sync")(sync)
    app.command("invite")(invite)
