"""The package list and mapping pyproject.toml cannot compute: model/ and properties/ install as
bridgeproof.model and bridgeproof.properties (bridgeproof/__init__.py says why), every package under
them found from the folders, so a new family package needs no line here."""

from pathlib import Path

from setuptools import setup

ROOT = Path(__file__).parent
FOLDERS = {"bridgeproof.model": "model", "bridgeproof.properties": "properties"}

packages = ["bridgeproof"]
package_dir = {"bridgeproof": "bridgeproof"}
for name, folder in FOLDERS.items():
    package_dir[name] = folder
    for init in sorted((ROOT / folder).rglob("__init__.py")):
        relative = init.parent.relative_to(ROOT / folder)
        packages.append(".".join([name, *relative.parts]))

setup(packages=packages, package_dir=package_dir, package_data={"bridgeproof.model": ["schemas/*.json"]})
