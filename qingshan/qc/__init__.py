"""Monitoring-data QC (自动监测数据质量控制), validity, exceedance and e-supervision (电子督办).

Three layers, kept apart (issue 5):

1. what the source reports — HJ 212 data flags and the enterprise's marks (:mod:`.marks`);
2. what the checks find — pure vectorised checks (:mod:`.checks`), one :class:`.flags.Flag`
   array per check, aggregated by an explicit precedence list (:mod:`.flags`);
3. what is judged — validity (:mod:`.validity`) and exceedance (:mod:`.exceedance`), derived and
   replayable from stored inputs and the rule-pack version (:mod:`.rules`).
"""
