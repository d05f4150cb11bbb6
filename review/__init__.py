"""The review queue as a service: what the machine could not decide, put before a person and settled."""
