"""The Kraljic matrix's category labels never cover one another or a quadrant's name."""

import itertools
from decimal import Decimal

from spend import kraljic
from spend.chart_labels import POSITIONS, Box, Scale, label_box, place_labels
from spend.charts import KRALJIC_SCALE, kraljic_matrix

SCALE = Scale(x_per_px=0.01, y_per_px=0.01, area=Box(0, 10, 0, 10))


def _boxes(points, positions, scale):
    return [
        label_box(x, y, radius, text, position, scale)
        for (x, y, radius, text), position in zip(points, positions, strict=True)
        if position
    ]


def test_labels_of_points_in_one_place_go_to_different_sides():
    points = [(5, 5, 4, "Hardware"), (5.02, 5.0, 4, "Software")]
    positions = place_labels(points, [], SCALE)
    assert all(positions) and positions[0] != positions[1]
    first, second = _boxes(points, positions, SCALE)
    assert not first.overlaps(second)


def test_a_label_that_fits_nowhere_is_left_off_rather_than_drawn_over_another():
    crowd = [(5, 5, 2, f"Category {index}") for index in range(12)]
    positions = place_labels(crowd, [], SCALE)
    assert None in positions
    boxes = _boxes(crowd, positions, SCALE)
    assert all(not a.overlaps(b) for a, b in itertools.combinations(boxes, 2))


def test_no_label_covers_a_blocked_title_or_leaves_the_area():
    title = Box(0, 4, 8, 10)
    points = [(1, 8.5, 3, "Facilities management"), (9.9, 5, 3, "Travel")]
    positions = place_labels(points, [title], SCALE)
    for box in _boxes(points, positions, SCALE):
        assert not box.overlaps(title) and box.inside(SCALE.area)
    assert positions[1] in {"middle left", "top left", "bottom left", "top center", "bottom center"}


def test_the_matrix_places_every_label_clear_of_the_others_and_the_quadrant_names():
    # A crowded real-life case: a dozen categories, most of them in the same two cells.
    names = [
        "Laptops and desktops",
        "Software licences",
        "Telecoms",
        "Cleaning",
        "Catering",
        "Security services",
        "Temporary staff",
        "Consultancy",
        "Legal services",
        "Fleet",
        "Energy",
        "Printing",
    ]
    points = [
        {
            "name": name,
            "impact": 4 if index % 2 else 2,
            "risk": 4 if index % 3 else 2,
            "spend": Decimal(1000 * (index + 1)),
            "quadrant": kraljic.quadrant(4 if index % 2 else 2, 4 if index % 3 else 2),
            "url": f"/x/{index}",
        }
        for index, name in enumerate(names)
    ]
    figure = kraljic_matrix(points, kraljic.QUADRANTS, "GBP")
    titles = [
        Box(*box)
        for box in (
            (0.58, 2.4, 4.9, 5.42),  # where the quadrant names sit, top corners
            (3.0, 5.42, 4.9, 5.42),
            (0.58, 2.4, 0.58, 1.1),
            (3.0, 5.42, 0.58, 1.1),
        )
    ]
    boxes = []
    for trace in figure.data:
        for x, y, text, position, size in zip(
            trace.x, trace.y, trace.text, trace.textposition, trace.marker.size, strict=True
        ):
            if text:
                boxes.append(label_box(x, y, size / 2, text, position, KRALJIC_SCALE))
    assert len(boxes) >= 9  # most are labelled
    assert all(not a.overlaps(b) for a, b in itertools.combinations(boxes, 2))
    assert all(not box.overlaps(title) for box in boxes for title in titles)
    assert set(POSITIONS) >= {position for trace in figure.data for position in trace.textposition}
