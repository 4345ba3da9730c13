"""Allow `python -m bot` as an alias of the `dvcbot` command."""

from bot.cli import main

raise SystemExit(main())
