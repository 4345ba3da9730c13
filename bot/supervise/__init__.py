"""Keeping channels up: start with retry and backoff, report state to /healthz."""
