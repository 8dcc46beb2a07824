"""The Discord face of deepread: a discord.py bot whose features are cogs over `Services`.

Layout: `client.py` builds the bot (factory + DI), `exts/` holds one package per feature
(`setup()` in its `__init__`, Discord code in `_cog.py`, pure logic in siblings), and the
shared pieces every feature uses live next to it: `limits`/`formatting` (never exceed a Discord
limit), `errors` (what a user sees when something fails), `replies`, `views`, `buttons`.
"""
