"""The web app: the applicant's online form (the fifth channel) and the counter kiosk.

Server-rendered pages (Jinja2) that work without JavaScript, served by uvicorn. A reply is
stored as every other reply is: archived raw first, recorded, then counted once per survey
(``survey/responses.py``). No GET or HEAD changes a row (mail scanners follow every link).
"""
