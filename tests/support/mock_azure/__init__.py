"""A local stand-in for Azure Resource Manager's Recovery Services endpoints, spoken over real HTTP."""
from .fleet import PAGE_SIZE, TEST_CATALOG, expected, load_fleet
from .server import Fault, MockAzure, MockVault, RecordedRequest, StaticToken, load_vaults

__all__ = ["PAGE_SIZE", "TEST_CATALOG", "Fault", "MockAzure", "MockVault", "RecordedRequest", "StaticToken",
           "expected", "load_fleet", "load_vaults"]
