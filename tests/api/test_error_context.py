"""A domain error's context reaches the client as JSON: the rows a refusal names stay a list."""

from __future__ import annotations

import json

from qingshan.api.errors import domain_error_response
from qingshan.errors import QingshanError


class _Refused(QingshanError):
    status_code = 422


def test_lists_and_mappings_stay_json_and_the_rest_is_text() -> None:
    exc = _Refused(
        "2 rows refused",
        problems=("row 2: depth: missing", "row 5: unit 'g' is not mg/kg"),
        counts={"refused": 2, 3: {"kept": 0}},
        ratio=float("nan"),
        kind=frozenset({"soil"}),
        other=ValueError("x"),
    )
    response = domain_error_response(exc)
    body = json.loads(response.body)
    assert response.status_code == 422 and body["error"] == "_Refused"
    assert body["context"] == {
        "problems": ["row 2: depth: missing", "row 5: unit 'g' is not mg/kg"],
        "counts": {"refused": 2, "3": {"kept": 0}},
        "ratio": "nan",
        "kind": ["soil"],
        "other": "x",
    }
