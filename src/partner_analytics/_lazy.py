"""Public names imported on first use (PEP 562), for the package root and ``report``.

A package lists its public names by the module each lives in; importing the package costs
nothing until a name is used (``partner-analytics report`` or a dashboard page does not pay
for scipy, pandera and networkx before it needs them).
"""

from __future__ import annotations

import importlib

__all__ = ["lazy_names"]


def lazy_names(package: str, modules: dict[str, tuple[str, ...]], namespace: dict):
    """``(__getattr__, __dir__, __all__)`` for ``package`` whose public names live in
    ``modules`` (module -> names); a name, once imported, is kept in ``namespace``."""
    where = {name: module for module, names in modules.items() for name in names}

    def __getattr__(name: str):
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(where))

    return __getattr__, __dir__, list(where)
