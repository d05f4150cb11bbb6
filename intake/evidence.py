"""Evidence kept for the review queue: an attachment or an image crop, under the item it came in."""

from __future__ import annotations

from pathlib import Path


def save_evidence(storage_dir: Path, inbound_id: int, name: str, data: bytes) -> Path:
    """Write ``data`` as ``storage_dir/evidence/<inbound_id>/<name>`` (name made safe); its path."""
    folder = storage_dir / "evidence" / str(inbound_id)
    folder.mkdir(parents=True, exist_ok=True)
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)[:120] or "file"
    path = folder / safe
    path.write_bytes(data)
    return path
