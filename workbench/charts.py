"""Turning a plotly figure into the HTML fragment a page embeds. plotly.js itself is loaded once
by the base template from the app's own static files (no CDN)."""

PALETTE = ["#1f5f8b", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#6d597a", "#8ab17d", "#b56576"]


def figure_html(figure, *, height: int = 360) -> str:
    figure.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13},
        colorway=PALETTE,
    )
    return figure.to_html(
        full_html=False,
        include_plotlyjs=False,
        config={"displaylogo": False, "responsive": True},
    )
