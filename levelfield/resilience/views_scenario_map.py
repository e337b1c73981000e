"""The dependency map of a failure scenario, laid out for an SVG drawn on the server: the
report's nodes in columns (other suppliers sharing a subcontractor, subcontractors, the failed
suppliers and their group, contracts, authorities) and its edges as curves between them. The
same nodes and edges become the table beside the map (`map_rows`), so the map is never the
only way to read them."""

from dataclasses import dataclass

COLUMNS = (
    ("other", "Other suppliers", ("other_supplier",)),
    ("subcontractor", "Subcontractors", ("subcontractor",)),
    ("failed", "Failed suppliers and group", ("supplier", "entity")),
    ("contract", "Contracts", ("contract",)),
    ("authority", "Authorities", ("authority",)),
)
# Columns drawn even when empty, so the map always reads supplier, contract, authority.
ALWAYS = {"failed", "contract", "authority"}
KIND_WORDS = {
    "supplier": "Failed supplier",
    "entity": "Group entity (not on levelfield)",
    "contract": "Contract",
    "authority": "Authority",
    "subcontractor": "Subcontractor",
    "other_supplier": "Other supplier",
}
EDGE_WORDS = {
    "holds": "holds",
    "serves": "is let by",
    "works_on": "works on",
    "relies_on": "relies on",
    "group": "is in the group of",
}
SHARED_WORDS = "also works for"

NODE_WIDTH = 168
NODE_HEIGHT = 46
COLUMN_GAP = 36
ROW_GAP = 14
TOP = 54  # below the column headings (two lines)
MARGIN = 36  # room on the left for the arcs between group members
LINE_CHARACTERS = 21  # of 14px text in a box NODE_WIDTH wide
HEADING_CHARACTERS = 18  # of 14px bold text
SMALLEST_SCALE = 0.85  # the map shrinks to fit the page down to this, then scrolls sideways


@dataclass(frozen=True)
class DrawnNode:
    key: str
    kind: str
    label: str
    lines: tuple[str, ...]  # the label in at most two lines, shortened with an ellipsis
    x: int
    y: int
    width: int = NODE_WIDTH
    height: int = NODE_HEIGHT

    @property
    def kind_words(self) -> str:
        return KIND_WORDS.get(self.kind, self.kind)

    @property
    def text_y(self) -> tuple[tuple[str, int], ...]:
        """Each line with the y of its baseline, centred in the box."""
        if len(self.lines) == 1:
            return ((self.lines[0], self.y + self.height // 2 + 5),)
        return ((self.lines[0], self.y + 19), (self.lines[1], self.y + 37))


@dataclass(frozen=True)
class DrawnEdge:
    kind: str
    path: str  # SVG path data


@dataclass(frozen=True)
class Heading:
    label: str
    x: int

    @property
    def text_y(self) -> tuple[tuple[str, int], ...]:
        lines = lines_of(self.label, HEADING_CHARACTERS)
        return tuple(zip(lines, (18, 36), strict=False))


@dataclass(frozen=True)
class MapLayout:
    width: int
    height: int
    headings: tuple[Heading, ...]
    nodes: tuple[DrawnNode, ...]
    edges: tuple[DrawnEdge, ...]
    counts: dict

    @property
    def min_width(self) -> int:
        """Narrower than this the text would be too small to read: the map scrolls instead."""
        return int(self.width * SMALLEST_SCALE)

    @property
    def description(self) -> str:
        c = self.counts
        parts = [
            f"{c['failed']} failed supplier{'s' if c['failed'] != 1 else ''} and group "
            f"entit{'ies' if c['failed'] != 1 else 'y'}",
            f"{c['contract']} contract{'s' if c['contract'] != 1 else ''}",
            f"{c['authority']} authorit{'ies' if c['authority'] != 1 else 'y'}",
            f"{c['subcontractor']} subcontractor{'s' if c['subcontractor'] != 1 else ''}",
        ]
        if c["other"]:
            parts.append(
                f"{c['other']} other supplier{'s' if c['other'] != 1 else ''} sharing a "
                "subcontractor"
            )
        return (
            "Columns from left to right: "
            + ", ".join(h.label.lower() for h in self.headings)
            + ". "
            + "; ".join(parts)
            + ". Lines join each supplier to the contracts it holds, each contract to its "
            "authority, each subcontractor to the contracts and other suppliers it works for, "
            "and each group entity to the supplier whose living will lists it. The same data "
            "is in the table that follows the map."
        )


def lines_of(label: str, width: int = LINE_CHARACTERS) -> tuple[str, ...]:
    """The label in at most two lines of about `width` characters, broken between words where
    it can be, the second shortened with an ellipsis when the label is longer."""
    words = " ".join(label.split())
    if len(words) <= width:
        return (words,)
    cut = words.rfind(" ", 0, width + 1)
    if cut <= 0:
        cut = width
    first, rest = words[:cut].rstrip(), words[cut:].lstrip()
    if len(rest) > width:
        rest = rest[: width - 1].rstrip() + "…"
    return (first, rest)


def _column_of(kind: str) -> str:
    for key, _, kinds in COLUMNS:
        if kind in kinds:
            return key
    return "failed"


def layout(report) -> MapLayout:
    """Where each node and edge of the report's dependency map is drawn."""
    nodes = report.dependency_nodes()
    edges = report.dependency_edges()
    by_column: dict[str, list] = {key: [] for key, _, _ in COLUMNS}
    for node in nodes:
        by_column[_column_of(node.kind)].append(node)
    shown = [(key, label) for key, label, _ in COLUMNS if by_column[key] or key in ALWAYS]
    drawn: dict[str, DrawnNode] = {}
    headings = []
    column_index = {}
    for index, (key, label) in enumerate(shown):
        x = MARGIN + index * (NODE_WIDTH + COLUMN_GAP)
        column_index[key] = index
        headings.append(Heading(label, x))
        for row, node in enumerate(by_column[key]):
            drawn[node.key] = DrawnNode(
                key=node.key,
                kind=node.kind,
                label=node.label,
                lines=lines_of(node.label),
                x=x,
                y=TOP + row * (NODE_HEIGHT + ROW_GAP),
            )
    drawn_edges = []
    for edge in edges:
        source, target = drawn.get(edge.source), drawn.get(edge.target)
        if source is None or target is None:
            continue
        drawn_edges.append(DrawnEdge(edge.kind, _path(source, target)))
    tallest = max((len(v) for v in by_column.values()), default=0)
    height = TOP + max(tallest, 1) * (NODE_HEIGHT + ROW_GAP) + 10
    width = MARGIN + len(shown) * (NODE_WIDTH + COLUMN_GAP) - COLUMN_GAP + 10
    counts = {key: len(by_column[key]) for key, _, _ in COLUMNS}
    return MapLayout(
        width, height, tuple(headings), tuple(drawn.values()), tuple(drawn_edges), counts
    )


def _path(source: DrawnNode, target: DrawnNode) -> str:
    """A curve from one box to another: right side to left side going right, left to right
    going left, and an arc out to the left between two boxes of one column."""
    sy, ty = source.y + source.height // 2, target.y + target.height // 2
    if source.x == target.x:
        x = source.x
        bend = x - MARGIN + 8
        return f"M{x},{sy} C{bend},{sy} {bend},{ty} {x},{ty}"
    if source.x < target.x:
        sx, tx = source.x + source.width, target.x
    else:
        sx, tx = source.x, target.x + target.width
    middle = (sx + tx) // 2
    return f"M{sx},{sy} C{middle},{sy} {middle},{ty} {tx},{ty}"


@dataclass(frozen=True)
class MapRow:
    source_kind: str
    source: str
    relation: str
    target_kind: str
    target: str


def map_rows(report) -> list[MapRow]:
    """The map as rows of the table: each edge in words, then each node no edge touches."""
    nodes = {n.key: n for n in report.dependency_nodes()}
    rows, touched = [], set()
    for edge in report.dependency_edges():
        source, target = nodes.get(edge.source), nodes.get(edge.target)
        if source is None or target is None:
            continue
        touched |= {source.key, target.key}
        relation = EDGE_WORDS.get(edge.kind, edge.kind.replace("_", " "))
        if edge.kind == "works_on" and target.kind == "other_supplier":
            relation = SHARED_WORDS
        rows.append(
            MapRow(
                KIND_WORDS.get(source.kind, source.kind),
                source.label,
                relation,
                KIND_WORDS.get(target.kind, target.kind),
                target.label,
            )
        )
    for node in nodes.values():
        if node.key not in touched:
            rows.append(MapRow(KIND_WORDS.get(node.kind, node.kind), node.label, "", "", ""))
    return rows
