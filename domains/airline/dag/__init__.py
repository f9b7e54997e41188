"""DAG mining for the airline domain: the tool graph and its intents (`graph`), the parameter
space (`params`), the intent chain of a point (`plan`), the world builder (`build/`, one module
per intent), the task text (`text`), the answer-uniqueness check (`check`), entity pools
(`pools`) and the mapping of tau2 tasks onto the axes (`derive`). `spec.DAG` ties them together.
"""
