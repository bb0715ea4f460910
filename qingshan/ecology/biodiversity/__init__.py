"""Biodiversity surveys and species records (生物多样性调查, issue #25)."""
