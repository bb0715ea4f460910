"""Ecological status index per county (生态状况指数 EI, HJ 192-2015, issue #25)."""
