"""Low-carbon management: emission factors with their sources, enterprise carbon accounts
(GB/T 32150), the carbon-efficiency code (碳效码) and roll-ups (issue #17)."""
