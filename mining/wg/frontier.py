"""The frontier map: what WG mining knows of the target, per capability tag and complexity.

Each probed hypothesis leaves one entry (its status and evidence); a cell's status is the most
informative of its entries (a confirmed failure beats a hold, a hold beats a disproval, any
result beats a broken world; a cell nobody probed is open). The strategist reads the map to
narrow in on boundaries and to find untouched tags; `toolmine frontier show` prints it.
"""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, Field

from domains.wg import WGVocabulary

_RANK = {"confirmed": 4, "holds": 3, "disproved": 2, "broken": 1, "open": 0}


class FrontierEntry(BaseModel):
    hypothesis_id: str
    tag: str
    complexity: int
    status: str
    evidence: str = ""
    move: str = ""
    vein: str | None = Field(default=None, description="a confirmed failure's vein")


class Cell(BaseModel):
    tag: str
    complexity: int
    status: str = "open"
    counts: dict[str, int] = {}
    evidence: list[str] = []


class FrontierMap:
    def __init__(self, vocab: WGVocabulary, entries: list[FrontierEntry]) -> None:
        self.vocab = vocab
        self.entries = entries
        self.cells: dict[tuple[str, int], Cell] = {
            (t.name, level): Cell(tag=t.name, complexity=level)
            for t in vocab.tags
            for level in sorted(vocab.levels)
        }
        for e in entries:
            cell = self.cells.setdefault(
                (e.tag, e.complexity), Cell(tag=e.tag, complexity=e.complexity)
            )
            cell.counts[e.status] = cell.counts.get(e.status, 0) + 1
            if _RANK.get(e.status, 0) > _RANK[cell.status]:
                cell.status = e.status
            cell.evidence.append(f"{e.hypothesis_id}: {e.status} ({e.evidence})")

    def status(self, tag: str, level: int) -> str:
        return self.cells[(tag, level)].status

    def touched(self, tag: str, level: int) -> bool:
        return bool(self.cells[(tag, level)].counts)

    def confirmed_by_tag(self) -> Counter[str]:
        return Counter(e.tag for e in self.entries if e.status == "confirmed")

    def confirmed_by_vein(self) -> Counter[str]:
        return Counter(e.vein for e in self.entries if e.status == "confirmed" and e.vein)

    def veins(self, tag: str, level: int | None = None) -> set[str]:
        """Veins of the confirmed failures of a tag (at one level, or at any)."""
        return {
            e.vein
            for e in self.entries
            if e.status == "confirmed" and e.vein and e.tag == tag
            and (level is None or e.complexity == level)
        }  # fmt: skip

    def render(self) -> str:
        """A text table: one row per tag, one column per complexity level."""
        levels = sorted(self.vocab.levels)
        tags = [t.name for t in self.vocab.tags]
        width = max(len(t) for t in tags)
        head = f"{'tag':<{width}}  " + "  ".join(f"{'level ' + str(lv):<22}" for lv in levels)
        lines = [head, "-" * len(head)]
        for tag in tags:
            row = []
            for lv in levels:
                cell = self.cells[(tag, lv)]
                counts = ",".join(f"{k[0]}{v}" for k, v in sorted(cell.counts.items()))
                row.append(f"{cell.status + (f' [{counts}]' if counts else ''):<22}")
            lines.append(f"{tag:<{width}}  " + "  ".join(row))
        lines.append("counts: c=confirmed h=holds d=disproved b=broken")
        return "\n".join(lines)
