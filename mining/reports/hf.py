"""A harvest as a Hugging Face dataset: one Parquet file plus a dataset card.

Arrow wants one type per column, and worlds, tool arguments and scenarios differ in shape from
row to row, so the nested parts travel as JSON strings while counts and rates are plain scalar
columns a dataset viewer can sort and filter. The card (`README.md`) carries the YAML metadata
the Hub reads: license, pretty name, tags, task categories, size category and the config that
points at the data file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mining.reports.export import ExportRow

DATA_FILE = "data/train.parquet"
# The scalar columns, then the JSON-string ones (nested, row-varying).
SCALARS = (
    "task_id", "candidate_id", "domain", "mode", "target", "k", "passes", "rollouts",
    "pass_rate", "tau2_passes", "tau2_pass_rate", "cell", "refusal", "task_description",
)  # fmt: skip
JSON_COLUMNS = (
    "scenario", "world", "tools", "golden_trajectory", "expected_final_world", "communicate",
    "failure_modes", "params", "user_facts", "meta",
)  # fmt: skip


def table_rows(rows: list[ExportRow]) -> list[dict[str, Any]]:
    """Rows as flat records: scalars as they are, nested values as compact JSON text."""
    out = []
    for row in rows:
        data = row.model_dump(mode="json")
        record = {name: data[name] for name in SCALARS}
        record.update({name: json.dumps(data[name], sort_keys=True) for name in JSON_COLUMNS})
        out.append(record)
    return out


def write_parquet(rows: list[ExportRow], path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema(
        [
            ("task_id", pa.string()),
            ("candidate_id", pa.string()),
            ("domain", pa.string()),
            ("mode", pa.string()),
            ("target", pa.string()),
            ("k", pa.int32()),
            ("passes", pa.int32()),
            ("rollouts", pa.int32()),
            ("pass_rate", pa.float64()),
            ("tau2_passes", pa.int32()),  # null where the history has no tau2 verdicts
            ("tau2_pass_rate", pa.float64()),
            ("cell", pa.string()),
            ("refusal", pa.bool_()),
            ("task_description", pa.string()),
            *((name, pa.string()) for name in JSON_COLUMNS),
        ]
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(table_rows(rows), schema=schema), path)


def size_category(n: int) -> str:
    """The Hub's size bucket for n rows."""
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K")):
        if n < limit:
            return label
    return "100K<n<1M"


def dataset_card(rows: list[ExportRow], harvest_id: str) -> str:
    domains = sorted({r.domain for r in rows}) or ["unknown"]
    targets = sorted({r.target for r in rows})
    mean_rate = sum(r.pass_rate for r in rows) / len(rows) if rows else 0.0
    tau2 = [r.tau2_pass_rate for r in rows if r.tau2_pass_rate is not None]
    tau2_line = (
        f"- mean pass rate on tau2's terms (order-sensitive DB hash, transfers ignored): "
        f"{sum(tau2) / len(tau2):.3f} over {len(tau2)} tasks\n"
        if tau2
        else ""
    )
    header = "\n".join(
        [
            "---",
            "license: mit",
            f"pretty_name: toolmine harvest {harvest_id}",
            "tags:",
            "- tool-use",
            "- agents",
            "- toolmine",
            *(f"- {d}" for d in domains),
            "task_categories:",
            "- text-generation",
            "size_categories:",
            f"- {size_category(len(rows))}",
            "configs:",
            "- config_name: default",
            "  data_files:",
            "  - split: train",
            f"    path: {DATA_FILE}",
            "---",
        ]
    )
    columns = (
        "\n".join(f"- `{c}`" for c in SCALARS)
        + "\n"
        + "\n".join(f"- `{c}` (JSON text)" for c in JSON_COLUMNS)
    )
    return f"""{header}

# toolmine harvest `{harvest_id}`

Tool-use tasks mined by toolmine for the target(s) {", ".join(f"`{t}`" for t in targets)}: every
task is one the target fails often but not always. Each row carries the task's world (initial
database), the tools as OpenAI function schemas, the golden trajectory, the expected final world,
the facts the agent must communicate, the customer's scenario and the measured pass rate.

- tasks: {len(rows)}
- domains: {", ".join(domains)}
- mean pass rate (toolmine's verdict): {mean_rate:.3f}
{tau2_line}
## Columns

{columns}

Nested values are JSON strings (their shape varies from row to row); decode them with
`json.loads`.

```python
from datasets import load_dataset
ds = load_dataset("parquet", data_files="{DATA_FILE}")["train"]
```
"""


def write_hf(rows: list[ExportRow], out: Path, harvest_id: str) -> Path:
    """Write `out/data/train.parquet` and `out/README.md`; returns the data file."""
    data = out / DATA_FILE
    write_parquet(rows, data)
    (out / "README.md").write_text(dataset_card(rows, harvest_id), encoding="utf-8")
    return data
