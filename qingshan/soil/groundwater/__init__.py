"""Soil and groundwater: groundwater (issue #24)."""
