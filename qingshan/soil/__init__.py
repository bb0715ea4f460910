"""Soil and groundwater (土壤和地下水, plan item 13 and main goal 1, issue #24): one subpackage per
area, each in the domain's shape (pure core → ``service`` → thin ``api`` / ``web`` / ``cli``):

- :mod:`.sites`: the register of contaminated construction land (建设用地土壤污染风险管控和修复名录),
  one plan per site (一地一策), samples judged by GB 36600-2018, the safe-use rate, the overview;
- :mod:`.units`: key soil-supervised units (土壤污染重点监管单位): yearly hidden-danger checks
  (隐患排查), soil and groundwater self-monitoring, characteristic-pollutant reports;
- :mod:`.farmland`: farmland plots by safe-use category from GB 15618-2018 results;
- :mod:`.groundwater`: monitoring wells classed by GB/T 14848-2017, pollution-prevention zones.
"""
