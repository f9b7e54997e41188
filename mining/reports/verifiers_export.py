"""A harvest as an environment package for the `verifiers` library.

The package is a folder with a `pyproject.toml` (its verifiers pin and eval defaults), a module
whose `load_environment(...)` builds the environment from the tasks shipped beside it, and a
README. The environment itself is `mining.reports.verifiers_env` (toolmine's tools, user
simulator and scoring), so the package needs toolmine installed next to verifiers.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel

from mining.reports.export import ExportRow, write_jsonl

VERIFIERS_PIN = "verifiers==0.3.1"  # the release whose classic environment API this targets


class VerifiersExport(BaseModel):
    folder: Path
    module: str
    tasks: int


def module_name(harvest_id: str) -> str:
    """A Python module name for the harvest (verifiers maps env ids with '-' to '_')."""
    slug = re.sub(r"[^0-9a-zA-Z]+", "_", harvest_id).strip("_").lower()
    return f"toolmine_{slug or 'harvest'}"


MODULE = '''"""toolmine harvest {harvest_id} as a verifiers environment ({tasks} tasks)."""

from pathlib import Path

from mining.reports.verifiers_env import build_environment

TASKS = Path(__file__).with_name("tasks.jsonl")


def load_environment(
    user_model: str | None = None, user_api_base: str | None = None, max_turns: int = 30
):
    """The environment over this harvest's tasks. The customer is toolmine's deterministic user
    simulator unless `user_model` (a litellm model name) plays it."""
    return build_environment(
        TASKS, user_model=user_model, user_api_base=user_api_base, max_turns=max_turns
    )
'''

PYPROJECT = """[project]
name = "{dist}"
version = "0.1.0"
description = "toolmine harvest {harvest_id}: {tasks} tool-use tasks as a verifiers environment"
requires-python = ">=3.11"
dependencies = ["{pin}", "toolmine"]

[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[tool.setuptools.packages.find]
include = ["{module}*"]

[tool.setuptools.package-data]
"{module}" = ["tasks.jsonl"]

[tool.verifiers.eval]
num_examples = {tasks}
rollouts_per_example = {k}
"""

README = """# {module}: toolmine harvest `{harvest_id}` for verifiers

{tasks} tasks that `{targets}` fails often but not always. Each rollout works on its own copy of
the task's world through the domain's tools while a simulated customer plays the task's
scenario. The reward is the strict pass (final world, facts said, policy kept); the dense
components, the needless-transfer penalty and the pass on tau2's terms are zero-weight metrics.

```bash
pip install -e .          # next to toolmine ({pin})
vf-eval {module} -m MODEL -n {tasks} -r {k}
```

```python
import verifiers as vf
env = vf.load_environment("{module}")                       # deterministic customer
env = vf.load_environment("{module}", user_model="openai/gpt-4.1-mini")  # a model plays it
```
"""


def write_verifiers(rows: list[ExportRow], out: Path, harvest_id: str) -> VerifiersExport:
    module = module_name(harvest_id)
    package = out / module
    package.mkdir(parents=True, exist_ok=True)
    write_jsonl(rows, package / "tasks.jsonl")
    fill = {
        "harvest_id": harvest_id,
        "tasks": len(rows),
        "module": module,
        "dist": module.replace("_", "-"),
        "pin": VERIFIERS_PIN,
        "k": max((r.k for r in rows), default=1),
        "targets": ", ".join(sorted({r.target for r in rows})),
    }
    (package / "__init__.py").write_text(MODULE.format(**fill), encoding="utf-8")
    (out / "pyproject.toml").write_text(PYPROJECT.format(**fill), encoding="utf-8")
    (out / "README.md").write_text(README.format(**fill), encoding="utf-8")
    return VerifiersExport(folder=out, module=module, tasks=len(rows))
