"""WG mining: hypotheses about a target, worlds built to probe them, failures confirmed by an
oracle and simplified to a minimum (see DESIGN.md, "WG (world generation, oracle last)")."""
