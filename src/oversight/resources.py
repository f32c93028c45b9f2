"""Files the software ships beside its code: schemas, facts, templates and the study's
starting configuration.

The checkout's top-level ``config/``, ``report_templates/`` and ``data/raw/published/`` are
their single source (the workflow reads them there). A built wheel carries a copy in
``oversight/_bundled/`` (written at build time by ``setup.py``), so an installed package finds
them with :mod:`importlib.resources`; imported from a checkout (``pip install -e .``), the
package has no copy and reads the checkout's own files.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

# What the wheel carries, relative to the checkout (setup.py copies exactly these).
SHIPPED = (
    "config",
    "report_templates",
    "data/raw/published",
    "profiles",
    "CITATION.cff",
    "LICENSE",
)
BUNDLE = "_bundled"
CHECKOUT = Path(__file__).resolve().parents[2]


def bundled_root() -> Path | None:
    """The installed package's copy of the shipped files, or None (imported from a checkout)."""
    copy = resources.files("oversight").joinpath(BUNDLE)
    # Installed as files on disk (pip never installs a zipped wheel): the copy is a folder.
    if isinstance(copy, Path) and copy.is_dir():
        return copy
    return None


def root() -> Path:
    """The folder holding ``config/``, ``report_templates/`` and ``CITATION.cff`` as this
    version of the software ships them: the installed copy, else the checkout.

    Raises:
        FileNotFoundError: Neither is there (a wheel built without its bundled files).
    """
    bundled = bundled_root()
    if bundled is not None:
        return bundled
    if (CHECKOUT / "config" / "schemas").is_dir():
        return CHECKOUT
    raise FileNotFoundError(
        f"oversight's configuration schemas are neither installed ({BUNDLE}/ beside "
        f"{Path(__file__).parent}) nor in a checkout ({CHECKOUT / 'config' / 'schemas'}): "
        "reinstall the package from a wheel built by `python -m build --wheel`"
    )


def shipped(relative: str) -> Path:
    """A shipped file or folder, ``relative`` to the checkout (``"config/schemas"``)."""
    return root() / relative
