"""Coastal waters (近岸海域, plan item 12, issue #25), each subpackage in the domain's shape:

- :mod:`.outfalls`: sea outfalls (入海排污口): register, monitoring, tracing to the enterprises and
  sewage plants behind them, remediation through cases;
- :mod:`.coastal`: sea-area stations classed by GB 3097-1997, coastal quality by area share, the
  river-mouth sections' TN/TP against their control targets, the marine ("蓝海") index.
"""
