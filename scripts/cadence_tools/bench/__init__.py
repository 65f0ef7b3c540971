"""`scripts/bench`: Cadence's learning quality and cost, beside baselines."""
