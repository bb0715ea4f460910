"""Coastal water quality (近岸海域水质, issue #25)."""
