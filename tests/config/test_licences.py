"""Wendbaar is Apache-2.0; every installed dependency must allow that (permissive, LGPL or MPL; no (A)GPL)."""

import re
from importlib import metadata

FORBIDDEN = re.compile(
    r"\b(A?GPL|GNU (Affero )?General Public License|SSPL|Commons Clause)\b", re.I
)
ALLOWED_DESPITE_MATCH = re.compile(
    r"\b(LGPL|Lesser General Public|Library General Public|GPL.{0,20}exception)\b", re.I
)


def licence_text(dist) -> str:
    meta = dist.metadata
    parts = [meta.get("License-Expression") or "", meta.get("License") or ""]
    parts += [c for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    return " | ".join(p for p in parts if p)


def test_no_dependency_is_under_a_copyleft_licence_incompatible_with_apache_2():
    offenders = []
    for dist in metadata.distributions():
        text = licence_text(dist)
        if FORBIDDEN.search(text) and not ALLOWED_DESPITE_MATCH.search(text):
            offenders.append(f"{dist.metadata['Name']}: {text[:200]}")
    assert offenders == []


def test_the_project_itself_is_apache_2():
    assert metadata.metadata("wendbaar")["License-Expression"] == "Apache-2.0"
