"""Soil and groundwater: farmland (issue #24)."""
