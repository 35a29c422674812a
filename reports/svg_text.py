"""WeasyPrint's SVG text, laid out once per run instead of once per character.

WeasyPrint (70) draws an SVG <text> or <tspan> character by character: it lays
out the whole run, then every character again on its own (a new Pango layout
each) and draws each character as its own text object, so that per-character
x, y, dx, dy and rotate lists, letter-spacing and textLength can place each one.
The charts (results.charts) use none of these: each run has one x and one y.
For such a run `text` lays it out once and draws it in one go — the same
glyphs at the same advances; per character, their sum — and leaves any other
run to WeasyPrint's own function. The three charts of the municipality report
(about 900 characters) took about 0.3 s of CPU that way, about a fifth of the
render (reports/README.md "Where the time goes").

What stays WeasyPrint's: the style of the run (`_style`, as weasyprint.svg.text
builds it), the vertical alignment, text-anchor (svg.draw_node shifts the
drawn group by the run's bounding box, set here as there), fill and stroke,
and emoji. `install()` puts `text` in WeasyPrint's table of SVG tags once; the
version is pinned (constraints.txt) and tests/reports/test_svg_text.py checks
that a run is drawn where WeasyPrint's own function draws it.
"""

import importlib
from math import inf

from weasyprint import svg as weasyprint_svg
from weasyprint.draw.text import draw_emojis, draw_first_line
from weasyprint.matrix import Matrix
from weasyprint.svg.bounding_box import extend_bounding_box
from weasyprint.svg.utils import normalize, size
from weasyprint.text.line_break import split_first_line

# The module (weasyprint.svg's `text` is the function, which shadows the module's name).
weasyprint_text = importlib.import_module("weasyprint.svg.text")
per_character = weasyprint_text.text  # WeasyPrint's own, for every other run

# Attributes that place characters one by one: a run with any of them is WeasyPrint's.
_PER_CHARACTER = ("dx", "dy", "rotate", "letter-spacing", "textLength", "lengthAdjust")


def _one_value(node, name: str) -> bool:
    value = node.attrib.get(name)
    return value is None or len(normalize(value).split()) == 1


def _style(svg, node, font_size) -> weasyprint_text.Style:
    """The run's style, as weasyprint.svg.text.text builds it."""
    from weasyprint.css.properties import INITIAL_VALUES

    style = weasyprint_text.Style()
    style.update(INITIAL_VALUES)
    style.font_config = svg.font_config
    style["font_family"] = [
        font.strip("\"'") for font in node.get("font-family", "sans-serif").split(",")
    ]
    style["font_style"] = node.get("font-style", "normal")
    weight = node.get("font-weight", 400)
    style["font_size"] = font_size
    if node.get("direction") in ("ltr", "rtl"):
        style["direction"] = node.get("direction")
    if weight == "normal":
        weight = 400
    elif weight == "bold":
        weight = 700
    else:
        try:
            weight = int(weight)
        except ValueError:
            weight = 400
    style["font_weight"] = weight
    return style


def _y_align(node, font_size: float, height: float) -> float:
    """The run's vertical alignment, as weasyprint.svg.text.text computes it."""
    ascent, descent = font_size * 0.8, font_size * 0.2
    display_anchor = node.get("display-anchor")
    baseline = node.get("dominant-baseline", node.get("alignment-baseline"))
    if display_anchor == "middle":
        return -height / 2
    if display_anchor == "top":
        return 0
    if display_anchor == "bottom":
        return -height
    if baseline in ("central", "middle"):
        return (ascent + descent) / 2 - descent
    if baseline in ("text-before-edge", "before_edge", "top", "hanging", "text-top"):
        return ascent
    if baseline in ("text-after-edge", "after_edge", "bottom", "text-bottom"):
        return -descent
    return 0


def text(svg, node, font_size) -> None:
    """Draw a text node: a run with one x and one y in one layout, any other as WeasyPrint does."""
    if (
        not node.text
        or any(name in node.attrib for name in _PER_CHARACTER)
        or not (_one_value(node, "x") and _one_value(node, "y"))
    ):
        return per_character(svg, node, font_size)
    style = _style(svg, node, font_size)
    layout, _, _, width, height, baseline = split_first_line(node.text, style, svg.context, inf, 0)
    x = size(node.attrib["x"], font_size, svg.inner_width) if "x" in node.attrib else None
    y = size(node.attrib["y"], font_size, svg.inner_height) if "y" in node.attrib else None
    # The first character's step of WeasyPrint's loop (a zero x or y resets nothing there).
    if x:
        svg.cursor_d_position[0] = 0
    if y:
        svg.cursor_d_position[1] = 0
    x = svg.cursor_position[0] if x is None else x
    y = svg.cursor_position[1] if y is None else y
    svg.cursor_position = x + width, y
    x_position = x + svg.cursor_d_position[0]
    y_position = y + svg.cursor_d_position[1] + _y_align(node, font_size, height)
    node.text_bounding_box = extend_bounding_box(
        node.text_bounding_box,
        (
            (x_position, y_position - baseline),
            (x_position + width, y_position - baseline + height),
        ),
    )

    svg.stream.push_state()
    fill, stroke = svg.set_graphical_state(node, font_size)
    svg.stream.begin_text()
    layout.reactivate(style)
    svg.fill_stroke(fill, stroke, text=True)
    text_box = weasyprint_text.TextBox(layout, style)
    text_box.baseline = baseline
    emojis = draw_first_line(
        svg.stream, text_box, "none", "none", Matrix(a=1, d=-1, e=x_position, f=y_position)
    )
    svg.stream.end_text()
    svg.stream.pop_state()
    draw_emojis(svg.stream, style, x, y, emojis)


def install() -> None:
    """Draw SVG text runs with `text` (idempotent). svg.draw_node recognises a text node by
    `TAGS[tag] == text` (its module's name), so both are set."""
    for tag, function in list(weasyprint_svg.TAGS.items()):
        if function is per_character:
            weasyprint_svg.TAGS[tag] = text
    weasyprint_svg.text = text
