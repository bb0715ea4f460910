"""See :mod:`qingshan.portal`: enterprise accounts — self-registration and the bureau's approval."""
