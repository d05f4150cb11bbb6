"""The one exception tree of khaosat.

KhaosatError
├── ConfigError      the configuration file or an environment override is wrong
├── DatabaseError    the database cannot be opened: server down, database missing, schema absent or behind
├── ImportFileError  a dossier export cannot be read at all (a bad row is not an error)
├── QuestionnaireError  a questionnaire data file is invalid
├── RenderError      a form could not be rendered
├── ParseError       a returned file (PDF, image, TIFF, message) cannot be read at all
├── MailboxError     a whole intake source (the mailbox, the scan folder) is unreachable
└── DeliveryError    an outbound message could not be handed over
    ├── TemporaryDeliveryError  try again later (4xx, connection lost before DATA)
    │   └── ServerUnavailableError  no connection at all: the whole run stops
    ├── PermanentDeliveryError  the server refused it for good (5xx)
    └── UncertainDeliveryError  the outcome is unknown (timeout after DATA): never resend alone

Lower libraries' errors (aiosmtplib, openpyxl, reportlab, SQLAlchemy when the database is
opened) are translated where they enter.
"""


class KhaosatError(Exception):
    """Base of every error khaosat raises on purpose."""


class ConfigError(KhaosatError):
    pass


class DatabaseError(KhaosatError):
    pass


class ImportFileError(KhaosatError):
    pass


class QuestionnaireError(KhaosatError):
    pass


class RenderError(KhaosatError):
    pass


class ParseError(KhaosatError):
    pass


class MailboxError(KhaosatError):
    pass


class DeliveryError(KhaosatError):
    pass


class TemporaryDeliveryError(DeliveryError):
    pass


class ServerUnavailableError(TemporaryDeliveryError):
    pass


class PermanentDeliveryError(DeliveryError):
    pass


class UncertainDeliveryError(DeliveryError):
    pass
