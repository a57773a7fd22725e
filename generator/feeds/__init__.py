"""Signed JSON feeds for portals (api/v1/) and their trust metadata."""
