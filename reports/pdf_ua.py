"""What WeasyPrint's PDF/UA tagging leaves out, added before the PDF is written (write_pdf's finisher).

WeasyPrint 70 tags the report (pdf_variant "pdf/ua-1") but
- gives table header cells (TH) no /Scope: a reader cannot tell a column
  header from a row header; the HTML's scope="row"/"col" becomes /Row or /Column;
- marks the running headers and page numbers (margin boxes) as content
  belonging to no structure element, where PDF/UA wants them /Artifact
  (/Pagination): they are rewritten so in the page streams and dropped from the parent tree;
- names a link annotation by its anchor id ("#summary"): its /Contents becomes
  the link's text (「1. 概要」).
"""

import pydyf


def _number(reference: bytes) -> int:
    """The object number of a pydyf reference (b"12 0 R")."""
    return int(reference.split()[0])


def _descendants(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _descendants(child)


def _scopes_and_link_names(document) -> None:
    names: dict[str, str] = {}  # what a link's /Contents says (its target) → the link's text
    annotations = []
    for page in document.pages:
        for box in _descendants(page._page_box):
            mark = getattr(box, "mark", None)
            if mark is not None and box.element_tag == "th":
                scope = "/Row" if box.element.get("scope") == "row" else "/Column"
                mark["A"]["Scope"] = scope
            annotation = getattr(box, "link_annotation", None)
            if annotation is not None:
                annotations.append(annotation)
                if box.element_tag == "a":  # not the page number's span inside it
                    text = " ".join("".join(box.element.itertext()).split())
                    names.setdefault(annotation["Contents"].string, text)
    for annotation in annotations:
        if name := names.get(annotation["Contents"].string):
            annotation["Contents"] = pydyf.String(name)


def _attached(pdf, element, document_number: int, known: dict[int, bool]) -> bool:
    """Whether a structure element hangs in the tree under Document (margin boxes' elements do not)."""
    number = element.number
    if number == document_number:
        return True
    if number not in known:
        parent_reference = element.get("P")
        parent = pdf.objects[_number(parent_reference)] if parent_reference else None
        known[number] = (
            parent is not None
            and element.reference in parent["K"]
            and _attached(pdf, parent, document_number, known)
        )
    return known[number]


def _margin_boxes_as_artifacts(pdf) -> None:
    root = pdf.objects[_number(pdf.catalog["StructTreeRoot"])]
    parent_tree = pdf.objects[_number(root["ParentTree"])]["Nums"]
    document_number = _number(root["K"][0])
    known: dict[int, bool] = {}
    for page_number, object_number in enumerate(pdf.pages["Kids"][::3]):
        page = pdf.objects[object_number]
        mapped = parent_tree[2 * page_number + 1]
        loose = {
            mcid
            for mcid, reference in enumerate(mapped)
            if not _attached(pdf, pdf.objects[_number(reference)], document_number, known)
        }
        if not loose:
            continue
        stream = pdf.objects[_number(page["Contents"])].stream
        for index, item in enumerate(stream):
            if isinstance(item, pydyf.Dictionary) and item.get("MCID") in loose:
                stream[index - 1] = "/Artifact"
                stream[index] = pydyf.Dictionary({"Type": "/Pagination"})
        for mcid in loose:
            mapped[mcid] = "null"


def finish(document, pdf) -> None:
    """write_pdf's finisher: header scopes, link names, margin boxes as artifacts."""
    _scopes_and_link_names(document)
    _margin_boxes_as_artifacts(pdf)
