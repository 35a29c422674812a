"""Reading the results' inline SVG charts (results.charts) back out of a page or a string."""

import re
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def chart_in(page: str, frame_id: str) -> ET.Element | None:
    """The chart inside the element with `frame_id` on a rendered page, parsed; None if absent."""
    found = re.search(rf'id="{frame_id}"[^>]*>\s*(<svg\b.*?</svg>)', page, re.S)
    return parse(found.group(1)) if found else None


def radar_series(response) -> dict[str, list[float | None]]:
    """label → values of the radar's series (the area table's columns), from the page's figures."""
    return {c.label: c.values for c in response.context["figures"].scores.columns}


def heatmap_cells(root: ET.Element) -> list[str]:
    """The texts written in the heatmap's cells, row by row (the legend's are left out)."""
    return [t for t in texts(root) if re.fullmatch(r"[\d.]+|—", t)]


def main(response) -> str:
    """The page's main content (around it, CSRF tokens and CSP nonces are new every time)."""
    return re.search(r"<main\b.*</main>", response.content.decode(), re.DOTALL).group()
