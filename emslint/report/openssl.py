"""How the reports name the OpenSSL model each deployment's cipher lists were read with (``TargetResult.openssl``).

The model follows the settings nearest each deployment (``ems_version``, ``openssl``), so one run may mix models:
the text report says it per deployment (:func:`model_line` under its links), and the whole-run reports list the
distinct models of the run (:func:`distinct_models`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from emslint.model import TargetResult


def model_line(openssl: Mapping[str, Any]) -> str:
    """``cipher lists read as OpenSSL 3.1.2: EMS 5.5.0: ...``: the model of ``TargetResult.openssl`` and why."""
    return f"cipher lists read as OpenSSL {openssl['release']}: {openssl['reason']}"


def distinct_models(results: Iterable[TargetResult]) -> list[dict[str, Any]]:
    """Each distinct model (with its reason) of ``results`` in the order first met: ``TargetResult.openssl``, its
    ``line`` and the ``deployments`` (display paths) read with it. Targets without one (connectors) are left out."""
    models: dict[tuple[tuple[str, Any], ...], dict[str, Any]] = {}
    for result in results:
        if result.openssl is None:
            continue
        key = tuple(sorted(result.openssl.items()))
        if key not in models:
            models[key] = {**result.openssl, "line": model_line(result.openssl), "deployments": []}
        models[key]["deployments"].append(result.path)
    return list(models.values())
