"""Periodic jobs: what a job is (:mod:`.job`), when it runs (:mod:`.schedule`: an interval or
a cron expression in China Standard Time), running it once or on its schedule
(:mod:`.runner`, on APScheduler), the record of its runs (``job_run``, :mod:`.service`) and
the platform's own jobs (:mod:`.builtin`). The list of every job is the top registry's
(:mod:`qingshan.platform.jobs`)."""
