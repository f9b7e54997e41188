"""`toolmine report`: one self-contained HTML page about a harvest.

Everything is inline (styles, SVG charts, data): the page loads nothing from the network and runs
no script, so it can be mailed, archived or opened offline. Sections (each a `<section id=...>`
a test looks for): summary, pass-rates, cost, heatmap, failure-modes, diversity, tasks.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from mining.reports.charts import bars, heat_colour, lines
from mining.reports.report_data import Heatmap, ReportData, TaskView
from mining.reports.summary import render_lines

SECTIONS = ("summary", "pass-rates", "cost", "heatmap", "failure-modes", "diversity", "tasks")

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; color: #222; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; border-bottom: 1px solid #ddd; }
section { margin-bottom: 2rem; } pre { background: #f6f6f6; padding: .5rem; overflow-x: auto;
  white-space: pre-wrap; font-size: 12px; max-height: 28rem; }
table { border-collapse: collapse; font-size: 13px; } td, th { border: 1px solid #ddd;
  padding: 3px 6px; text-align: left; } th { background: #f0f0f0; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
.note { color: #666; font-size: 12px; } details { margin: .4rem 0; }
summary { cursor: pointer; } .msg { margin: 2px 0; } .tool { color: #555; }
.role-assistant { color: #1a4f8b; } .role-user { color: #6b3d00; } .err { color: #b00; }
"""


def render(data: ReportData) -> str:
    s = data.summary
    body = "".join(
        [
            f"<h1>toolmine harvest {escape(s.harvest_id)}</h1>",
            _section("summary", "Summary", f"<pre>{escape(chr(10).join(render_lines(s)))}</pre>"),
            _section("pass-rates", "Pass rates of the candidates", _pass_rates(data)),
            _section("cost", "Rollouts per harvested task", _cost(data)),
            _section("heatmap", "Where the target fails", _heatmap(data)),
            _section("failure-modes", "Failure modes over iterations", _failure_modes(data)),
            _section("diversity", "Diversity of the harvested tasks", _diversity(data)),
            _section("tasks", f"Tasks ({len(data.tasks)})", _tasks(data)),
        ]
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>toolmine report: {escape(s.harvest_id)}</title><style>{STYLE}</style></head>"
        f"<body>{body}</body></html>"
    )


def write_report(data: ReportData, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(data), encoding="utf-8")
    return out


def _section(anchor: str, title: str, inner: str) -> str:
    return f'<section id="{anchor}"><h2>{escape(title)}</h2>{inner}</section>'


def _pass_rates(data: ReportData) -> str:
    counts: dict[str, int] = {}
    for rate in sorted(data.pass_rates):
        counts[f"{rate:.2f}"] = counts.get(f"{rate:.2f}", 0) + 1
    return bars(counts, "candidates per pass rate") + (
        '<p class="note">One bar per pass rate measured over k rollouts (toolmine\'s verdict); '
        "the harvest keeps the candidates inside its window.</p>"
    )


def _cost(data: ReportData) -> str:
    series: dict[str, list[tuple[float, float]]] = {
        "this harvest": [
            (p.iteration, p.rollouts / p.harvested) for p in data.cost if p.harvested > 0
        ]
    }
    flat = {"floor": data.floor} if data.floor is not None else {}
    if data.random_cost is not None:
        flat["random, expected"] = data.random_cost
    note = data.random_note or ""
    return lines(series, flat, "rollouts per task", "iteration", "rollouts / task") + (
        f'<p class="note">Cumulative rollouts per harvested task after each iteration. The floor '
        f"is the fewest any proposer can expect with this window and k. {escape(note)}</p>"
    )


def _heatmap(data: ReportData) -> str:
    h = data.heatmap
    if h.statuses:
        return _frontier(h)
    if not h.cells:
        return "<p>too few candidates for a map</p>"

    def cell(key: str) -> str:
        if key not in h.cells:
            return "<td></td>"
        rate, n = h.cells[key], h.counts[key]
        return (
            f'<td style="background:{heat_colour(rate)}" title="{n} candidates">'
            f"{rate:.2f} <small>({n})</small></td>"
        )

    return _grid(h, [escape(x) for x in h.x_values], cell) + (
        '<p class="note">Mean pass rate of the candidates (count in brackets) over the two '
        "parameter axes that explain most of the variance in pass rate: red, the target "
        "always fails; green, it always passes.</p>"
    )


def _grid(h: Heatmap, heads: list[str], cell: Callable[[str], str]) -> str:
    """A table with a row per y value and a column per x value; `cell` renders key 'x|y'."""
    head = "".join(f"<th>{x}</th>" for x in heads)
    rows = [
        f"<tr><th>{escape(y)}</th>{''.join(cell(f'{x}|{y}') for x in h.x_values)}</tr>"
        for y in h.y_values
    ]
    return (
        f"<table><tr><th>{escape(h.y_axis)} \\ {escape(h.x_axis)}</th>{head}</tr>"
        f"{''.join(rows)}</table>"
    )


# Frontier statuses on the pass-rate scale: a confirmed failure is where the target fails.
FRONTIER_COLOURS = {"confirmed": heat_colour(0.0), "disproved": heat_colour(0.3),
                    "holds": heat_colour(1.0), "broken": "#ddd", "open": "#fff"}  # fmt: skip


def _frontier(h: Heatmap) -> str:
    def cell(key: str) -> str:
        status, n = h.statuses.get(key, "open"), h.counts.get(key, 0)
        count = f" <small>({n})</small>" if n else ""
        colour = FRONTIER_COLOURS.get(status, "#fff")
        return (
            f'<td style="background:{colour}" title="{n} hypotheses">{escape(status)}{count}</td>'
        )

    return _grid(h, [f"level {escape(x)}" for x in h.x_values], cell) + (
        '<p class="note">The hypothesis frontier map: each capability tag at each complexity '
        "level, with the status its hypotheses reached (count in brackets): confirmed, the "
        "target fails there and the oracle passes; disproved, it fails every time; holds, it "
        "passes; broken, only broken worlds; open, not probed yet.</p>"
    )


def _failure_modes(data: ReportData) -> str:
    if not data.failure_modes:
        return "<p>no failed rollouts analysed</p>"
    iterations = sorted({i for counts in data.failure_modes.values() for i in counts})
    head = "".join(f"<th>iter {i}</th>" for i in iterations)
    rows = [
        f"<tr><th>{escape(label)}</th>"
        + "".join(f"<td>{counts.get(i, '')}</td>" for i in iterations)
        + f"<td><b>{sum(counts.values())}</b></td></tr>"
        for label, counts in sorted(data.failure_modes.items(), key=lambda kv: -sum(kv[1].values()))
    ]
    return f"<table><tr><th>failure mode</th>{head}<th>all</th></tr>{''.join(rows)}</table>"


def _diversity(data: ReportData) -> str:
    d = data.diversity
    figures = (
        f"<p>{d.tasks} tasks in {d.distinct_cells} parameter cells (largest cell holds "
        f"{d.largest_cell_share:.0%}); {d.distinct_users} users, {d.distinct_routes} routes.</p>"
    )
    cells = dict(list(data.cell_counts.items())[:12])
    listing = "".join(f"<tr><td>{n}</td><td>{escape(cell)}</td></tr>" for cell, n in cells.items())
    return (
        figures
        + bars({f"#{i + 1}": n for i, n in enumerate(cells.values())}, "tasks per cell")
        + f"<table><tr><th>tasks</th><th>cell (the 12 largest, #1 first)</th></tr>{listing}"
        "</table>"
    )


def _tasks(data: ReportData) -> str:
    head = (
        "<tr><th>task</th><th>pass rate (toolmine)</th><th>pass rate (tau2's terms)</th>"
        "<th>failure modes</th><th>cell</th></tr>"
    )
    table = "".join(
        f"<tr><td>{escape(t.row.task_id)}</td><td>{t.row.pass_rate:.2f}</td>"
        f"<td>{'n/a' if t.row.tau2_pass_rate is None else f'{t.row.tau2_pass_rate:.2f}'}</td>"
        f"<td>{escape(', '.join(t.row.failure_modes))}</td><td>{escape(t.row.cell)}</td></tr>"
        for t in data.tasks
    )
    return f"<table>{head}{table}</table>" + "".join(_task(t) for t in data.tasks)


def _task(t: TaskView) -> str:
    scenario = t.row.scenario.text() if t.row.scenario else t.row.task_description
    gold = "".join(
        f'<div class="msg tool">{escape(c["name"])}({escape(_args(c.get("arguments")))})</div>'
        for c in t.row.golden_trajectory
    )
    failing = "".join(_message(m) for m in t.failing) or "<p>no rollout failed</p>"
    reasons = "; ".join(t.failing_reasons)
    return (
        f'<details class="task"><summary>{escape(t.row.task_id)}: '
        f"{escape(t.row.task_description[:120])}</summary>"
        f"<h4>Scenario</h4><pre>{escape(scenario)}</pre>"
        f"<h4>World: entities the golden trajectory changes</h4>"
        f"<pre>{escape(json.dumps(t.changed, indent=1, sort_keys=True))}</pre>"
        '<div class="grid">'
        f"<div><h4>Golden trajectory</h4>{gold}</div>"
        f"<div><h4>A failing rollout</h4>"
        f'<p class="note err">{escape(reasons)}</p>{failing}</div>'
        "</div></details>"
    )


def _args(arguments: Any) -> str:
    return json.dumps(arguments or {}, sort_keys=True)


def _message(m: dict[str, Any]) -> str:
    role = m.get("role", "")
    if role == "system":
        return '<div class="msg note">(system prompt: the policy)</div>'
    calls = m.get("tool_calls") or []
    if calls:
        return "".join(
            f'<div class="msg role-assistant">&rarr; {escape(c["name"])}'
            f"({escape(_args(c.get('arguments')))})</div>"
            for c in calls
        )
    text = escape(str(m.get("content") or ""))
    if role == "tool":
        cls = "msg tool err" if m.get("error") else "msg tool"
        return f'<div class="{cls}">&larr; {text[:400]}</div>'
    return f'<div class="msg role-{escape(role)}"><b>{escape(role)}:</b> {text}</div>'
