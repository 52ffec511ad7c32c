"""A local stand-in for Azure Resource Manager's Recovery Services endpoints, spoken over real HTTP."""
from .server import Fault, MockAzure, MockVault, RecordedRequest, StaticToken

__all__ = ["Fault", "MockAzure", "MockVault", "RecordedRequest", "StaticToken"]
