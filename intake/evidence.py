"""Evidence kept for the review queue: attachments and image crops, under the item they came in.

The copies of one item are bounded: a 1 MB zip of zeros must not leave hundreds of
megabytes on disk. A copy that would pass the item's budget is not written; the raw
archive still holds everything the item brought, so nothing is lost.
"""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)


class EvidenceStore:
    """Writes ``storage_dir/evidence/<inbound_id>/<name>``, at most ``limit`` bytes for the item."""

    def __init__(self, storage_dir: Path, inbound_id: int, limit: int) -> None:
        self.folder = storage_dir / "evidence" / str(inbound_id)
        self.left = limit

    def save(self, name: str, data: bytes) -> Path | None:
        """Write ``data`` as ``name`` (made safe); its path, or None when it passes the budget."""
        if len(data) > self.left:
            log.info("evidence %s (%d bytes) not copied: over the budget of item %s", name, len(data), self.folder.name)
            return None
        self.left -= len(data)
        self.folder.mkdir(parents=True, exist_ok=True)
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)[:120] or "file"
        path = self.folder / safe
        path.write_bytes(data)
        return path
