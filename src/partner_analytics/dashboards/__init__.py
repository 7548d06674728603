"""The Voila dashboards for steering groups (see :mod:`partner_analytics.dashboards.overview`)."""

from partner_analytics.dashboards.overview import *  # noqa: F403
from partner_analytics.dashboards.overview import __all__  # noqa: F401
