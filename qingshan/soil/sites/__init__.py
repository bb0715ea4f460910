"""Soil and groundwater: sites (issue #24)."""
