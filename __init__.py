"""khaosat: the customer-satisfaction survey of a public-service office, end to end."""

__version__ = "0.1.0"
