"""Small inline SVG charts for the HTML report: no script, no font or file from the network, so
the report reads the same offline and in any browser."""

from __future__ import annotations

from html import escape

W, H, PAD = 560, 220, 40


def _svg(body: str, width: int = W, height: int = H, label: str = "") -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">{body}</svg>'
    )


def _text(x: float, y: float, text: str, anchor: str = "middle", size: int = 11) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="#333">{escape(text)}</text>'
    )


def bars(counts: dict[str, int], label: str) -> str:
    """A bar per key (in the given order), its count above it."""
    if not counts:
        return "<p>nothing to show</p>"
    top = max(counts.values()) or 1
    step = (W - 2 * PAD) / len(counts)
    parts = [f'<line x1="{PAD}" y1="{H - PAD}" x2="{W - PAD}" y2="{H - PAD}" stroke="#999"/>']
    for i, (key, n) in enumerate(counts.items()):
        h = (H - 2 * PAD) * n / top
        x = PAD + i * step + step * 0.15
        parts.append(
            f'<rect x="{x:.1f}" y="{H - PAD - h:.1f}" width="{step * 0.7:.1f}" '
            f'height="{h:.1f}" fill="#4a7ebb"><title>{escape(key)}: {n}</title></rect>'
        )
        parts.append(_text(x + step * 0.35, H - PAD - h - 4, str(n)))
        parts.append(_text(x + step * 0.35, H - PAD + 14, key))
    return _svg("".join(parts), label=label)


def lines(
    series: dict[str, list[tuple[float, float]]],
    flat: dict[str, float],
    label: str,
    x_label: str,
    y_label: str,
) -> str:
    """Line series over x, plus horizontal reference lines (`flat`: name -> y)."""
    xs = [x for pts in series.values() for x, _ in pts] or [0.0, 1.0]
    ys = [y for pts in series.values() for _, y in pts] + list(flat.values()) + [0.0]
    x0, x1 = min(xs), max(xs) if max(xs) > min(xs) else min(xs) + 1
    y1 = max(ys) * 1.1 or 1.0

    def px(x: float) -> float:
        return PAD + (W - 2 * PAD) * (x - x0) / (x1 - x0)

    def py(y: float) -> float:
        return H - PAD - (H - 2 * PAD) * y / y1

    colours = ["#4a7ebb", "#c0504d", "#9bbb59", "#8064a2"]
    parts = [
        f'<line x1="{PAD}" y1="{H - PAD}" x2="{W - PAD}" y2="{H - PAD}" stroke="#999"/>',
        f'<line x1="{PAD}" y1="{PAD / 2}" x2="{PAD}" y2="{H - PAD}" stroke="#999"/>',
        _text(W / 2, H - 6, x_label),
        _text(PAD - 4, PAD / 2 + 4, f"{y1:.1f}", anchor="end"),
        _text(8, H / 2, y_label, anchor="start", size=10),
    ]
    legend = []
    for i, (name, pts) in enumerate(series.items()):
        colour = colours[i % len(colours)]
        path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in pts)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        parts += [
            f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{colour}"/>' for x, y in pts
        ]
        legend.append((name, colour, False))
    for j, (name, y) in enumerate(flat.items()):
        colour = colours[(len(series) + j) % len(colours)]
        parts.append(
            f'<line x1="{PAD}" y1="{py(y):.1f}" x2="{W - PAD}" y2="{py(y):.1f}" '
            f'stroke="{colour}" stroke-dasharray="6 4"/>'
        )
        legend.append((f"{name} ({y:.2f})", colour, True))
    for k, (name, colour, dashed) in enumerate(legend):
        y = PAD / 2 + 14 * k
        dash = ' stroke-dasharray="4 3"' if dashed else ""
        parts.append(
            f'<line x1="{W - 190}" y1="{y}" x2="{W - 170}" y2="{y}" stroke="{colour}" '
            f'stroke-width="2"{dash}/>'
        )
        parts.append(_text(W - 165, y + 4, name, anchor="start", size=10))
    return _svg("".join(parts), label=label)


def heat_colour(rate: float) -> str:
    """Red (never passes) through yellow to green (always passes)."""
    r = int(220 - 120 * max(0.0, rate - 0.5) * 2) if rate > 0.5 else 220
    g = int(80 + 140 * min(1.0, rate * 2))
    return f"rgb({r},{g},80)"
