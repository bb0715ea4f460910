"""Labels shared by the soil and groundwater pages (土壤和地下水, issue #24): the nav and tabs."""

LABELS: dict[str, tuple[str, str]] = {
    "nav.soil": ("土壤地下水", "Soil & groundwater"),
    "soil.title": ("土壤和地下水", "Soil and groundwater"),
    "soil.tab.overview": ("总览", "Overview"),
    "soil.tab.sites": ("污染地块", "Contaminated sites"),
    "soil.tab.units": ("重点监管单位", "Key supervised units"),
    "soil.tab.farmland": ("农用地", "Farmland"),
    "soil.tab.groundwater": ("地下水", "Groundwater"),
}
