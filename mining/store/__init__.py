"""The DuckDB history of every harvest.

Split so that the wire-safe record models (`records`) import nothing heavy: workflows and activity
models use them, while only the ledger process imports `db` (and with it duckdb).
"""
