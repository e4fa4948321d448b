"""The import name of bridgeproof: `bridgeproof.model` and `bridgeproof.properties`.

The code lives in the repository's `model/` and `properties/` folders, as the design card lays them
out; the install (pyproject.toml `package-dir`) maps them under this package, so that a project with
its own `model` or `properties` package can import the API next to it:

    from bridgeproof.model.check import check
    from bridgeproof.properties import PROPERTIES
"""

from pathlib import Path as _Path

# The folders sit beside this one: found from here first, so that a copy of the repository (a
# mutation run's scratch copy, a checkout on PYTHONPATH) imports its own model/, not the installed one.
__path__.append(str(_Path(__file__).resolve().parent.parent))
