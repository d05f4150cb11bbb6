"""The verbs of the ``khaosat`` command, one module per group (cli.py assembles them)."""
