"""The national procedure catalogue: import, parse, store."""
