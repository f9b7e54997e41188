"""litellm, imported so that it never writes to stdout and never fetches anything.

litellm prints a "Give Feedback / Get Help" banner to stdout on every failed call unless told not
to, and commands such as `toolmine sample` and `toolmine eval` print JSON lines there. Every call
site imports litellm through `litellm_module()`, so the setting cannot be forgotten.
"""

from __future__ import annotations

import os
from types import ModuleType


def litellm_module() -> ModuleType:
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # its price list, offline
    import litellm

    litellm.suppress_debug_info = True
    return litellm
