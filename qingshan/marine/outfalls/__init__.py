"""Sea outfalls (入海排污口, issue #25)."""
