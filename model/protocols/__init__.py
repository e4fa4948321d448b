"""Protocol families, one file each, registered by a stable snake_case id (`lock_mint`, ...)."""

from __future__ import annotations

import sys

from model.registry import Registry, load_package

PROTOCOLS = Registry("protocol", required=("actions", "send_action", "execute_action", "debit", "credit", "refund", "loss_chains"))
register = PROTOCOLS.register
load_package(sys.modules[__name__])
