"""Citizen safety: scam warnings."""
