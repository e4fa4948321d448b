"""Validators for a family's parameters: a bad value is a `ParameterError` naming its field, so the
scenario loader reports the file and the field in one line."""

from __future__ import annotations

from typing import Any

from bridgeproof.model.errors import ParameterError


def choice(options: tuple[str, ...]) -> Any:
    def check(_instance: Any, attribute: Any, value: Any) -> None:
        if value not in options:
            raise ParameterError(attribute.name, f"{attribute.name} must be one of {', '.join(options)}, got {value!r}")

    return check


def int_in(low: int, high: int | None = None) -> Any:
    def check(_instance: Any, attribute: Any, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
            span = f">= {low}" if high is None else f"in {low}..{high}"
            raise ParameterError(attribute.name, f"{attribute.name} must be an integer {span}, got {value!r}")

    return check


def boolean(_instance: Any, attribute: Any, value: Any) -> None:
    if not isinstance(value, bool):
        raise ParameterError(attribute.name, f"{attribute.name} must be true or false, got {value!r}")
