"""Personal data never reaches storage: redaction of text and pseudonymous user keys."""

from bot.privacy.pseudonym import Pseudonymizer, load_or_create_key
from bot.privacy.redact import Redaction, redact

__all__ = ["Pseudonymizer", "Redaction", "load_or_create_key", "redact"]
