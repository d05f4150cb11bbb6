"""The staff side of the web app: login, sessions and the pages behind them (issue 12).

``auth`` is the pure part (argon2 hashes, signed session cookies, CSRF tokens), ``accounts``
the account rows (``khaosat user``), ``routes`` the login, the logout and ``require_staff``,
the dependency every staff page stands on.
"""
