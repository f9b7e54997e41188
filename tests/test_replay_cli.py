"""`toolmine replay` end to end, as a subprocess: outputs, conformance cases, input errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cli.replay import changed_entities
from domains.mock import MockWorld, default_world
from tests.cli_process import toolmine
from tests.test_airline_tools import small_world


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


@pytest.mark.slow
def test_calls_print_responses_and_final_world(tmp_path: Path) -> None:
    world = write_jsonl(tmp_path / "world.json", [small_world()])
    calls = write_jsonl(
        tmp_path / "calls.jsonl",
        [
            {"name": "cancel_reservation", "arguments": {"reservation_id": "R1"}},
            {"name": "get_user_details", "arguments": {"user_id": "nobody"}},
            {"name": "think", "arguments": {"thought": "x"}},
            {"name": "list_all_airports"},  # no arguments key: none passed
        ],
    )
    done = toolmine("replay", "--domain", "airline", "--world", str(world), "--calls", str(calls))
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert set(out) == {"responses", "final_world"}
    assert [r["error"] for r in out["responses"]] == [False, True, True, False]
    assert out["responses"][1]["content"] == "Error: User nobody not found"
    assert out["responses"][2]["content"] == "Error: Tool 'think' not found."
    # final_world has the world file's shape: the input plus the cancellation.
    expected = small_world()
    expected["users"]["ann_1"]["address"].pop("address2")  # null keys are left out
    cancelled = expected["reservations"]["R1"]
    cancelled["payment_history"].append({"payment_id": "credit_card_1", "amount": -340})
    cancelled["status"] = "cancelled"
    assert out["final_world"] == expected


def test_changed_only_and_cases_with_own_worlds(tmp_path: Path) -> None:
    world = write_jsonl(tmp_path / "world.json", [small_world()])
    other = small_world()
    other["users"]["bob_2"]["membership"] = "gold"
    cases = write_jsonl(
        tmp_path / "cases.jsonl",
        [
            {
                "calls": [
                    {"name": "send_certificate", "arguments": {"user_id": "bob_2", "amount": 9}}
                ]
            },
            {"calls": [{"name": "get_user_details", "arguments": {"user_id": "bob_2"}}]},
            {"calls": [], "world": other},
            {"calls": [{"name": "cancel_reservation", "arguments": {"reservation_id": "R2"}}]},
        ],
    )
    done = toolmine("replay", "--world", str(world), "--cases", str(cases), "--changed-only")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(lines) == 4 and all(set(line) == {"responses", "changed"} for line in lines)
    first = lines[0]["changed"]
    assert list(first["users"]) == ["bob_2"] and first["flights"] == first["reservations"] == {}
    certificate = first["users"]["bob_2"]["payment_methods"]["certificate_3221322"]
    assert certificate == {"source": "certificate", "id": "certificate_3221322", "amount": 9.0}
    # Each case starts fresh: the certificate of case 1 is gone in case 2.
    assert "certificate_3221322" not in lines[1]["responses"][0]["content"]
    assert lines[2] == {
        "responses": [],
        "changed": {"flights": {}, "users": {}, "reservations": {}},
    }
    assert lines[3]["changed"]["reservations"]["R2"]["status"] == "cancelled"


@pytest.mark.slow
def test_conformance_probes_through_the_cli(tmp_path: Path, tau2_dir: Path) -> None:
    probes = [
        json.loads(line)
        for line in (tau2_dir / "conformance" / "probes_even.jsonl").read_text().splitlines()
    ]
    cases = [
        {"calls": [*(p.get("setup") or []), {"name": p["name"], "arguments": p["arguments"]}]}
        for p in probes
    ]
    path = write_jsonl(tmp_path / "cases.jsonl", cases)
    done = toolmine("replay", "--domain", "airline", "--cases", str(path), "--changed-only")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(lines) == len(probes)
    for probe, out in zip(probes, lines, strict=True):
        expected = [
            {"content": s["content"], "error": s["error"]} for s in probe.get("setup") or []
        ] + [{"content": probe["content"], "error": probe["error"]}]
        assert out["responses"] == expected, probe["probe_id"]
        assert out["changed"] == probe["changed"], probe["probe_id"]


def test_mock_domain_default_world(tmp_path: Path) -> None:
    calls = write_jsonl(
        tmp_path / "calls.jsonl",
        [{"name": "cancel_order", "arguments": {"order_id": "O1"}}],
    )
    done = toolmine("replay", "--domain", "mock", "--calls", str(calls), "--changed-only")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["responses"][0]["error"] is False
    assert out["changed"]["orders"]["O1"]["status"] == "cancelled"
    assert out["changed"]["users"]["ann_1"]["balance"] == 130
    assert out["changed"]["items"] == {}


@pytest.mark.parametrize(
    ("args", "files", "message"),
    [
        (
            ["--domain", "nope", "--calls", "{calls}"],
            {},
            "unknown domain 'nope'; allowed: airline, mock",
        ),
        (["--calls", "{dir}/missing.jsonl"], {}, "cannot read"),
        (
            ["--calls", "{calls}"],
            {"calls": '{"name": "list_all_airports"}\n{oops\n'},
            "line 2: not valid JSON",
        ),
        (["--calls", "{calls}"], {"calls": '{"arguments": {}}\n'}, 'line 1: expected {"name"'),
        ([], {}, "exactly one of --calls"),
        (
            ["--world", "{world}", "--calls", "{calls}"],
            {"world": '{"flights": {}}'},
            "not a valid airline world",
        ),
        (
            ["--cases", "{calls}"],
            {"calls": '{"calls": [{"name": "x"}]}\n[]\n'},
            'line 2: expected {"calls"',
        ),
        (["--cases", "{calls}"], {"calls": '{"calls": [], "world": {"x": 1}}\n'}, "line 1"),
    ],
)
def test_bad_input_is_one_clear_error(
    tmp_path: Path, args: list[str], files: dict[str, str], message: str
) -> None:
    calls = tmp_path / "calls.jsonl"
    calls.write_text(files.get("calls", '{"name": "list_all_airports", "arguments": {}}\n'))
    world = tmp_path / "world.json"
    world.write_text(files.get("world", "{}"))
    argv = [a.format(dir=tmp_path, calls=calls, world=world) for a in args]
    done = toolmine("replay", *argv)
    assert done.returncode != 0
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert message in lines[0]


def test_changed_entities_marks_removed_entities_null() -> None:
    before = default_world()
    after = before.copy_world()
    del after.orders["O2"]
    after.users["ann_1"].balance = 1
    changed = changed_entities(before, after)
    assert changed["orders"] == {"O2": None}
    assert changed["users"] == {"ann_1": after.users["ann_1"].model_dump()}
    assert changed["items"] == {}
    assert isinstance(after, MockWorld)
