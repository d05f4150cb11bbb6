"""``khaosat demo`` and the simulated applicants it shares with the tests and the benchmarks.

run.py is the scenario (workspace.py writes its config and sample export, mail_server.py is
its embedded SMTP server); applicants.py says who answers what and how; hand.py draws marks
on a printed page; scanners.py turns a page into what a scanner, fax or phone returns;
replies.py writes the messages mail programs, fax gateways and mail servers send back.
"""
