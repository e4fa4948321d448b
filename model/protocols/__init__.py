"""Protocol families, one file each, registered by a stable snake_case id (`lock_mint`, ...)."""

from __future__ import annotations

import sys

from model.registry import Registry, load_package

PROTOCOLS = Registry("protocol", required=("actions", "sends", "executes", "initial"))
register = PROTOCOLS.register
load_package(sys.modules[__name__])
