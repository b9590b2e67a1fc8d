"""When to read which car: request budgets and the cycle planner."""
