"""DAG mining for the mock shop: graph, parameter space, world builder and task text."""
