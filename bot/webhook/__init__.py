"""Checks every webhook makes before a request body is trusted."""
