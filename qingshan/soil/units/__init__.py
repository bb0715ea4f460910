"""Soil and groundwater: units (issue #24)."""
