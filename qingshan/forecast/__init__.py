"""Forecasting (预测预报, plan item 18): city daily air quality 1–3 days ahead and surface-water
sections up to 7 days ahead, with prediction intervals, honest backtests against persistence and
climatology, a forecast store that never rewrites a past forecast, and early warnings that open
cases through the cases' sink."""
