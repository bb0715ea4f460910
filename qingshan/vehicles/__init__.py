"""Motor-vehicle exhaust management (机动车排气污染管理, issue #21): vehicle identity (plates, VINs),
emission stages, the in-use limits of GB 18285-2018 / GB 3847-2018 as data, pass/fail judging,
the columnar store of vehicles and I/M tests, and the small registries (I/M stations, lines,
equipment, non-road machinery)."""
