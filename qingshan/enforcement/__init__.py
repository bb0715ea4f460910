"""Environmental credit (环境信用) and double-random spot checks (双随机、一公开), issue #12.

Sits above the archive, the cases and QC: it reads the archive's record through
:func:`qingshan.archive.service.enterprise_findings`, records inspections through the archive's
``record_inspection`` and opens cases through the cases service; none of them imports it.
"""
