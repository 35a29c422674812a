"""A rendered page, parsed with the standard library's HTML parser."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    text: str = ""
    children_text: list[str] = field(default_factory=list)


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs))
        self.elements.append(element)
        if tag not in {"meta", "link", "input", "br", "img", "hr", "source", "wbr"}:
            self._open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.elements.append(Element(tag, dict(attrs)))

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].tag == tag:
                del self._open[index:]
                break

    def handle_data(self, data):
        for element in self._open:
            element.children_text.append(data)


class Page:
    def __init__(self, html: str):
        self.html = html
        collector = _Collector()
        collector.feed(html)
        collector.close()
        self.elements = collector.elements
        for element in self.elements:
            element.text = re.sub(r"\s+", " ", "".join(element.children_text)).strip()

    def all(self, tag: str, **attrs: str) -> list[Element]:
        return [
            e
            for e in self.elements
            if e.tag == tag and all(e.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]

    def one(self, tag: str, **attrs: str) -> Element:
        found = self.all(tag, **attrs)
        assert len(found) == 1, f"expected one <{tag} {attrs}>, found {len(found)}"
        return found[0]

    def body_elements(self) -> list[Element]:
        index = next(i for i, e in enumerate(self.elements) if e.tag == "body")
        return self.elements[index + 1 :]
