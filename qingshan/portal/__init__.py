"""Application services (生态环境治理应用服务, plan item 18, issue #23): one subpackage per area, each
in the domain's shape (pure core → ``service`` → thin ``api`` / ``web`` / ``cli``):

- :mod:`.enterprise`: the enterprise portal — an enterprise's data, marks, cases, permit,
  notices and self-service downloads in one place ("最多跑一次");
- :mod:`.public`: the public portal — today's air and water, rankings, open data, complaints,
  published spot checks and penalties, notices; no login;
- :mod:`.rights`: the emission-rights ledger (排污权: allocation, trading, leases, the reserve);
- :mod:`.notices`: the bureau's notices to enterprises and the public (通知公告);
- :mod:`.onboarding`: enterprise accounts — self-registration and the bureau's approval;
- :mod:`.eia`: EIA approvals (环评审批) linked to enterprises and permits, permit applications as
  service records.
"""
