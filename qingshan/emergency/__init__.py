"""Environmental emergency command (环境应急指挥, plan item 17, issue #22): one subpackage per
area, each in the domain's shape (pure core → ``service`` → thin ``api`` / ``web`` / ``cli``):

- :mod:`.risk`: risk enterprises graded per HJ 941-2018, emergency plans and drills;
- :mod:`.resources`: materials, teams and experts, with the nearest-resource query;
- :mod:`.incidents`: 突发环境事件 — report, level, response stages, command log, monitoring,
  closure and the incident report;
- :mod:`.gas`: chemical-park toxic and harmful gas early warning;
- :mod:`.radiation`: ambient γ dose rate, radioactive sources, mobile sources, spent sources.
"""
