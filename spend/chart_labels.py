"""Where a chart's point labels go so that none covers another label, a point, or a fixed title
(the Kraljic matrix's quadrant names). Plotly draws a scatter's text beside each marker but
never moves one label out of another's way, so crowded cells read as a smudge.

Greedy placement, as map labelling does it (Christensen, Marks and Shieber, "An empirical study
of algorithms for point-feature label placement", 1995, greedy baseline): points from the
largest marker down each take the first of eight positions around the marker whose box is free;
a label with no free position is left off (the point keeps its hover text, and the page's table
lists every category). Boxes are estimated from the text's length in axis units: pure
arithmetic, no browser.
"""

from dataclasses import dataclass

# Plotly's names for the positions, tried in this order: above, below, beside, then corners.
POSITIONS = (
    "top center",
    "bottom center",
    "middle right",
    "middle left",
    "top right",
    "top left",
    "bottom right",
    "bottom left",
)
# An 11 px system font: average character width and line height, in pixels, rounded up so the
# estimate errs towards more room.
CHARACTER_PX = 6.6
LINE_PX = 15.0


@dataclass(frozen=True)
class Box:
    x0: float
    x1: float
    y0: float
    y1: float

    def overlaps(self, other: "Box") -> bool:
        return (
            self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1
        )

    def inside(self, other: "Box") -> bool:
        return (
            other.x0 <= self.x0
            and self.x1 <= other.x1
            and other.y0 <= self.y0
            and self.y1 <= other.y1
        )


@dataclass(frozen=True)
class Scale:
    """Axis units per pixel across and up, and the plotting area."""

    x_per_px: float
    y_per_px: float
    area: Box


def text_box(
    x: float, y: float, lines: list[str], scale: Scale, anchor: str, font_px: float
) -> Box:
    """The box of a block of text anchored at (x, y): anchor "top left" puts the text's top-left
    corner there (as an annotation's xanchor/yanchor do)."""
    width = max((len(line) for line in lines), default=0) * font_px * 0.6 * scale.x_per_px
    height = len(lines) * font_px * 1.3 * scale.y_per_px
    vertical, horizontal = anchor.split()
    x0 = x if horizontal == "left" else x - width if horizontal == "right" else x - width / 2
    y1 = y if vertical == "top" else y + height if vertical == "bottom" else y + height / 2
    return Box(x0, x0 + width, y1 - height, y1)


def label_box(x: float, y: float, radius_px: float, text: str, position: str, scale: Scale) -> Box:
    """The box a one-line label takes at `position` beside a marker of `radius_px` at (x, y)."""
    width = len(text) * CHARACTER_PX * scale.x_per_px
    height = LINE_PX * scale.y_per_px
    gap_x, gap_y = (radius_px + 2) * scale.x_per_px, (radius_px + 2) * scale.y_per_px
    vertical, horizontal = position.split()
    if horizontal == "center":
        x0 = x - width / 2
    elif horizontal == "right":
        x0 = x + (gap_x if vertical == "middle" else gap_x * 0.7)
    else:
        x0 = x - width - (gap_x if vertical == "middle" else gap_x * 0.7)
    if vertical == "middle":
        y0 = y - height / 2
    elif vertical == "top":
        y0 = y + (gap_y if horizontal == "center" else gap_y * 0.7)
    else:
        y0 = y - height - (gap_y if horizontal == "center" else gap_y * 0.7)
    return Box(x0, x0 + width, y0, y0 + height)


def _marker_box(x: float, y: float, radius_px: float, scale: Scale) -> Box:
    return Box(
        x - radius_px * scale.x_per_px,
        x + radius_px * scale.x_per_px,
        y - radius_px * scale.y_per_px,
        y + radius_px * scale.y_per_px,
    )


def place_labels(points: list[tuple], blocked: list[Box], scale: Scale) -> list[str | None]:
    """`points`: (x, y, marker radius in pixels, label). Returns, in the same order, the
    position of each label (one of POSITIONS) or None where it is left off. No two placed
    labels overlap, none overlaps a box of `blocked` or a marker, and all stay in the area."""
    markers = [_marker_box(x, y, radius, scale) for x, y, radius, _ in points]
    taken = list(blocked)
    placed: list[str | None] = [None] * len(points)
    for index in sorted(range(len(points)), key=lambda i: (-points[i][2], i)):
        x, y, radius, text = points[index]
        if not text:
            continue
        for position in POSITIONS:
            box = label_box(x, y, radius, text, position, scale)
            if not box.inside(scale.area):
                continue
            if any(box.overlaps(other) for other in taken):
                continue
            if any(box.overlaps(marker) for other, marker in enumerate(markers) if other != index):
                continue
            placed[index] = position
            taken.append(box)
            break
    return placed
