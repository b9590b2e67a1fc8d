"""One request budget per API client id, shared by everything Home Assistant sends with it.

The API counts requests per subscription (client id), not per config entry: the config
flow's account check, every entry logged in with the same application and a reload all
draw from the same limits. Giving each its own budget let them add up past the burst limit
(the account check and the first refresh start in the same second).
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.util.hass_dict import HassKey

from ..api import RateBudget
from ..clock import get_clock
from ..const import BURST_LIMIT, DEFAULT_RATE_LIMIT, DEFAULT_RATE_WINDOW_S, DOMAIN

DATA_RATE_BUDGETS: HassKey[dict[str, RateBudget]] = HassKey(f"{DOMAIN}_rate_budgets")


def shared_rate_budget(hass: HomeAssistant, client_id: str) -> RateBudget:
    """The budget of ``client_id``, created on first use and kept while Home Assistant runs."""
    budgets = hass.data.setdefault(DATA_RATE_BUDGETS, {})
    if (budget := budgets.get(client_id)) is None:
        clock = get_clock(hass)
        budget = budgets[client_id] = RateBudget(
            limit=DEFAULT_RATE_LIMIT,
            window_s=DEFAULT_RATE_WINDOW_S,
            burst_limit=BURST_LIMIT,
            clock=clock.monotonic,
            sleep=clock.sleep,
        )
    return budget
