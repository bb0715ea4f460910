"""See :mod:`qingshan.portal`: the bureau's notices to enterprises and the public (通知公告)."""
