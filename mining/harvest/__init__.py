"""A harvest: mine until N tasks fall inside the pass-rate window or a budget is spent.

`config` holds the harvest's settings and the pure rules both runners share (ids, seeds, waves,
selection); `steps` wraps the engine's functions into recordable results; `loop` runs a harvest
in-process (no Temporal), the way the workflows run it durably.
"""
