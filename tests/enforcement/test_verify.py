"""Verifying a published draw (issue #12): the same file reproduces the draw; an altered
input changes the hash and the report names what changed."""

from __future__ import annotations

import json

import pytest

from qingshan.enforcement.draw import canonical, run_draw, sha256_hex
from qingshan.enforcement.errors import BadEnforcementInput
from qingshan.enforcement.verify import json_differences, verify_inputs

from .test_draw import inputs


def published(seed=11):
    inp = inputs(seed=seed, exclusions={4: {101: "conflict"}}, meta={"plan": 3})
    data = canonical(inp.as_json())
    return data, sha256_hex(data), run_draw(inp).as_json(), json.loads(data)


def test_the_published_file_reproduces_the_draw():
    data, digest, result, stored = published()
    v = verify_inputs(data, published_sha256=digest, published_result=result,
                      stored_inputs=stored, draw_id=5)  # fmt: skip
    assert v.ok and v.hash_matches and v.result_matches and v.differences == ()
    assert v.lines()[-1] == "OK: the draw is reproduced"
    assert v.lines()[0] == f"draw 5: inputs SHA-256 {digest}"


def test_a_changed_weight_changes_the_hash_and_is_named():
    data, digest, result, stored = published()
    obj = json.loads(data)
    obj["candidates"][2]["weight"] = 50.0
    altered = canonical(obj)
    v = verify_inputs(altered, published_sha256=digest, published_result=result,
                      stored_inputs=stored)  # fmt: skip
    assert not v.hash_matches and not v.ok
    assert v.inputs_sha256 == sha256_hex(altered) != digest
    assert v.differences == ("candidates[id=3].weight: 1.0 → 50.0",)
    assert any("DIFFERS from the published" in line for line in v.lines())
    assert v.lines()[-1] == "FAILED: the draw is not reproduced"


def test_a_changed_seed_changes_the_result_too():
    data, digest, result, stored = published()
    obj = json.loads(data) | {"seed": 12}
    v = verify_inputs(canonical(obj), published_sha256=digest, published_result=result,
                      stored_inputs=stored)  # fmt: skip
    assert v.differences == ("seed: 11 → 12",)
    assert not v.result_matches


def test_a_removed_candidate_and_a_removed_exclusion_are_named():
    data, digest, result, stored = published()
    obj = json.loads(data)
    obj["candidates"] = [c for c in obj["candidates"] if c["id"] != 7]
    obj["exclusions"] = {}
    v = verify_inputs(canonical(obj), published_sha256=digest, published_result=result,
                      stored_inputs=stored)  # fmt: skip
    assert v.differences == ("candidates[id=7]: removed", "exclusions.4: removed")


def test_the_same_values_written_otherwise_change_the_hash():
    data, digest, result, stored = published()
    pretty = json.dumps(json.loads(data), indent=2, ensure_ascii=False).encode()
    v = verify_inputs(pretty, published_sha256=digest, published_result=result,
                      stored_inputs=stored)  # fmt: skip
    assert not v.hash_matches and v.result_matches
    assert v.differences == (
        "the same values, not written canonically (spaces, key order or escapes)",
    )


def test_an_altered_result_is_detected():
    data, digest, result, _ = published()
    result = json.loads(json.dumps(result))
    result["tasks"][0]["inspectors"] = [301, 302]
    v = verify_inputs(data, published_sha256=digest, published_result=result)
    assert v.hash_matches and not v.result_matches and not v.ok


def test_a_file_that_no_longer_draws_reports_why():
    data, digest, result, stored = published()
    obj = json.loads(data) | {"inspectors": []}
    v = verify_inputs(canonical(obj), published_sha256=digest, published_result=result,
                      stored_inputs=stored)  # fmt: skip
    assert v.rerun_error is not None and "too few eligible inspectors" in v.rerun_error
    assert "inspectors: 8 → 0 items" not in v.differences  # by id: each one named
    assert "inspectors[id=101]: removed" in v.differences


def test_not_a_json_file():
    with pytest.raises(BadEnforcementInput, match=r"file: not a UTF-8 JSON draw inputs file"):
        verify_inputs(b"\xff\xfe", published_sha256="", published_result={})
    with pytest.raises(BadEnforcementInput, match=r"a JSON object is expected"):
        verify_inputs(b"[1]", published_sha256="", published_result={})


def test_json_differences_by_position_and_type():
    assert json_differences({"a": [1, 2]}, {"a": [1, 3]}) == ["a[1]: 2 → 3"]
    assert json_differences({"a": 1}, {"a": 1.0}) == ["a: 1 → 1.0"]
    assert json_differences({"a": 1}, {"b": 1}) == ["a: removed", "b: added"]
