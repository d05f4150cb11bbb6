"""Where the repository and the test fixtures are, wherever a test module sits."""

from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
FIXTURES = REPOSITORY / "tests" / "fixtures"
