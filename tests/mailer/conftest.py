"""Fixtures of the mailer tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine


@pytest.fixture
def early_in_round_two() -> Iterator[None]:
    """Fix "now" at 2 November 2026: what is sent days after the forms stays within round 2026-2."""
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=True):
        yield
