"""The plan's targets (目标任务分解, 督查考核) and the public ranking of cities and counties by
environmental quality (环境质量公开排序): targets as data, decomposition, progress with evidence,
computed KPIs through a provider Protocol, assessment scores, and the monthly ranking."""
