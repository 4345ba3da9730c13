"""Where the bundled knowledge/ and flows/ folders are: the checkout, or the installed package."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLED_DIR = PACKAGE_DIR / "_bundled"  # filled by setup.py when a wheel is built
CHECKOUT_DIR = PACKAGE_DIR.parent


def bundled_dir(name: str) -> Path:
    """The folder `name` ("knowledge" or "flows") shipped with this copy of the bot.

    An installed wheel carries it in bot/_bundled/; a source checkout (or an editable install)
    keeps it at the top of the repository.
    """
    packaged = BUNDLED_DIR / name
    return packaged if packaged.is_dir() else CHECKOUT_DIR / name
