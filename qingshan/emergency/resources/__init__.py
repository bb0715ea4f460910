"""See :mod:`qingshan.emergency`."""
