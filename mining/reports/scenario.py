"""The customer's side of a task, in the shape tau2-bench gives its user simulator.

Exports hand a user simulator a scenario (tau2's `user_scenario`, the verifiers environment's
simulated customer, the dataset card's `scenario` column). A task that carries its own
`user_scenario` is exported as it is; until tasks do, the scenario is derived from what a task
carries: the request in the customer's words as the reason for the call, the facts the customer
knows as known info, and instructions that follow from the task (refusal, transfer).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from mining.core.task import Task


class Scenario(BaseModel):
    """tau2's user scenario, flattened: `persona` plus structured instructions."""

    persona: str | None = None
    domain: str
    reason_for_call: str
    known_info: str | None = None
    unknown_info: str | None = None
    task_instructions: str

    def tau2(self) -> dict[str, Any]:
        """tau2's `user_scenario` object (persona and structured instructions)."""
        return {
            "persona": self.persona,
            "instructions": self.model_dump(exclude={"persona"}),
        }

    def text(self) -> str:
        """The scenario as one prompt text for a simulated customer."""
        parts = [f"Persona: {self.persona}"] if self.persona else []
        parts.append(f"Reason for call: {self.reason_for_call}")
        if self.known_info:
            parts.append(f"Known info: {self.known_info}")
        if self.unknown_info:
            parts.append(f"Unknown info: {self.unknown_info}")
        parts.append(f"Task instructions: {self.task_instructions}")
        return "\n".join(parts)


def scenario_of(task: Task) -> Scenario:
    """The task's own scenario when it has one, else one derived from its request and facts."""
    own = getattr(task, "user_scenario", None)  # tasks gain this field (the task-truth issue)
    if own is not None:
        data = own if isinstance(own, dict) else own.model_dump()
        instructions = data.get("instructions")
        if isinstance(instructions, dict):
            return Scenario(persona=data.get("persona"), **instructions)
        return Scenario(
            persona=data.get("persona"),
            domain=task.domain,
            reason_for_call=str(instructions),
            task_instructions=str(instructions),
        )
    known = " ".join(f"Your {k.replace('_', ' ')} is {v}." for k, v in task.user_facts.items())
    return Scenario(
        domain=task.domain,
        reason_for_call=task.task_description,
        known_info=known or None,
        task_instructions=" ".join(_instructions(task)),
    )


def _instructions(task: Task) -> list[str]:
    steps = [
        "Open with your request in your own words and give the known info only when asked.",
        "Confirm an action only if it matches your request.",
    ]
    if task.refusal:
        steps.append("If the agent explains that the request cannot be done, accept that.")
    if task.meta.get("transfer_expected"):
        steps.append("If the agent transfers you to a human agent, accept the transfer.")
    else:
        steps.append("Do not ask to be transferred to a human agent.")
    steps.append("When everything you asked for is done, end the conversation.")
    return steps
