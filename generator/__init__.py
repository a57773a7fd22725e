"""Git-native publishing of Vietnam's administrative procedures (thủ tục hành chính)."""

__version__ = "0.1.0"
