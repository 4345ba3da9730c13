"""Fake external services for tests (Telegram Bot API, ...)."""
