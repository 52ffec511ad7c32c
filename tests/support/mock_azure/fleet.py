"""The constructed test fleet (data/fleet.json) and what a sync of it must produce
(data/fleet.expected.json)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .server import MockAzure, MockVault, load_vaults

DATA = Path(__file__).parent / "data"
FLEET = DATA / "fleet.json"
EXPECTED = DATA / "fleet.expected.json"
TEST_CATALOG = Path(__file__).resolve().parents[2] / "data" / "jobs" / "catalog.yaml"
PAGE_SIZE = 3


def load_fleet(azure: MockAzure) -> dict[str, MockVault]:
    """Serve the test fleet; vaults by name."""
    return {vault.name: vault for vault in load_vaults(azure, json.loads(FLEET.read_text(encoding="utf-8")))}


def expected() -> dict[str, Any]:
    return json.loads(EXPECTED.read_text(encoding="utf-8"))
