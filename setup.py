"""Which packages the distribution holds; the rest of its metadata is in pyproject.toml.

Every package under s2s/, and templates/ (top level: derivative rules the package
reads with gast) shipped as the package s2s.templates, with every package under it.
Found, not listed by hand: a new folder of either tree is shipped without a change
here.  (`[tool.setuptools.packages.find]` in pyproject.toml cannot give the packages
it finds under templates/ the names s2s.templates.*, hence this file.)

Namespace packages are found too: a folder of .py files without __init__.py
(s2s/normalize) is a package all the same.
"""

from setuptools import find_namespace_packages, setup

NOT_PACKAGES = ["__pycache__", "*.__pycache__"]


def packages(folder, name):
    """The package `name` in `folder`, and every package below it."""
    below = find_namespace_packages(folder, exclude=NOT_PACKAGES)
    return [name] + [f"{name}.{package}" for package in below]


setup(
    packages=packages("s2s", "s2s") + packages("templates", "s2s.templates"),
    package_dir={"s2s.templates": "templates"},
)
