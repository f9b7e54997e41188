"""The optional paraphrase step: kept only when every fact survives and nothing leaks."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import pytest

from domains import registry
from mining.dag.paraphrase import check_paraphrase, litellm_paraphraser, paraphrase_text
from mining.dag.synthesize import sample_tasks
from tests.loopback_chat import ChatEndpoint

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

ORIGINAL = "Hi, I'm Ana Ruiz (user id ana_ruiz_1234). Please cancel reservation ABC123 on May 17."
REQUIRED = ["ana_ruiz_1234", "ABC123", "May 17"]
FORBIDDEN = ["HAT042", "340"]
GOOD = "Hello, Ana Ruiz here, user ana_ruiz_1234. I'd like reservation ABC123 (May 17) cancelled."


def test_check_accepts_a_faithful_rewrite_and_names_each_problem() -> None:
    assert check_paraphrase(ORIGINAL, GOOD, REQUIRED, FORBIDDEN) == []
    dropped = GOOD.replace("ABC123", "my booking")
    assert check_paraphrase(ORIGINAL, dropped, REQUIRED, FORBIDDEN) == [
        "drops required fact 'ABC123'"
    ]
    leaked = GOOD + " It should be flight HAT042."
    assert check_paraphrase(ORIGINAL, leaked, REQUIRED, FORBIDDEN) == [
        "states the answer 'HAT042'",
        "adds 'hat042', which the template text does not carry",
    ]
    invented = GOOD + " My card ends in 9911."
    assert check_paraphrase(ORIGINAL, invented, REQUIRED, FORBIDDEN) == [
        "adds '9911', which the template text does not carry"
    ]


def test_rejected_or_failed_rewrites_keep_the_template() -> None:
    text, rec = paraphrase_text(ORIGINAL, REQUIRED, FORBIDDEN, lambda t: GOOD, "fake")
    assert text == GOOD and rec["status"] == "accepted" and rec["template_text"] == ORIGINAL
    text, rec = paraphrase_text(ORIGINAL, REQUIRED, FORBIDDEN, lambda t: "Cancel it.", "fake")
    assert text == ORIGINAL and rec["status"] == "rejected" and rec["problems"]

    def broken(t: str) -> str:
        raise TimeoutError("slow")

    text, rec = paraphrase_text(ORIGINAL, REQUIRED, FORBIDDEN, broken)
    assert text == ORIGINAL and rec == {
        "model": "",
        "status": "error",
        "error": "TimeoutError: slow",
    }


def test_sampled_tasks_record_the_paraphrase_outcome() -> None:
    calls: list[str] = []

    def polite(text: str) -> str:  # keeps every fact: accepted
        calls.append(text)
        return "Hello there! " + text

    tasks = sample_tasks("airline", 4, 5, paraphraser=polite, paraphrase_model="fake")
    assert len(calls) == 4
    for task in tasks:
        assert task.meta["paraphrase"]["status"] == "accepted"
        assert task.task_description == "Hello there! " + task.meta["paraphrase"]["template_text"]
    plain = sample_tasks("airline", 4, 5)
    assert [t.task_description for t in plain] == [
        t.meta["paraphrase"]["template_text"] for t in tasks
    ]
    dropped = sample_tasks("airline", 2, 5, paraphraser=lambda t: "I need help with my trip.")
    assert [t.task_description for t in dropped] == [t.task_description for t in plain[:2]]
    assert all(t.meta["paraphrase"]["status"] == "rejected" for t in dropped)


@pytest.fixture
def canned() -> Iterator[ChatEndpoint]:
    reply = {"role": "assistant", "content": json.dumps({"text": GOOD})}
    server = ChatEndpoint(lambda body: reply)
    yield server
    server.close()


def test_real_litellm_path_on_loopback(
    canned: ChatEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
    spec = registry.get("airline").dag
    assert spec is not None
    paraphraser = litellm_paraphraser("openai/canned", spec, canned.api_base, timeout=10)
    text, rec = paraphrase_text(ORIGINAL, REQUIRED, FORBIDDEN, paraphraser, "openai/canned")
    assert text == GOOD and rec["status"] == "accepted"
    (request,) = canned.requests
    assert request["messages"][-1]["content"] == ORIGINAL
    assert request["model"] == "canned"
    assert request["response_format"]["json_schema"]["name"] == "Rewrite"
    system = request["messages"][0]["content"]
    assert "airline customer's request" in system and "airport code" in system
