"""Hazardous waste: the National Hazardous Waste List, declarations, storage, manifests
(转移联单), facilities, mass balance and KPIs (issue #18)."""
