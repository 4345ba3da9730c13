"""Channel adapters: each translates its platform's events to Incoming and Replies back."""
