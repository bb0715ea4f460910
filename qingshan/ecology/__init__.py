"""Ecology and biodiversity (生态状况, 生物多样性, plan items 8 and 9, issue #25), each subpackage in
the domain's shape:

- :mod:`.biodiversity`: survey areas, species records (Darwin Core–like), protected and invasive
  species lists;
- :mod:`.status`: the ecological status index (EI, HJ 192-2015) per county and its change between
  two periods.
"""
