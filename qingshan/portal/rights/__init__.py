"""See :mod:`qingshan.portal`."""
