"""Reading a catalogue file into plain data and a map of where each field is written.

Catalogue files come from outside the portal (an editor's laptop, a pull
request), so reading is defensive (SECURITY.md item 19): the size is checked
before anything is parsed; anchors and aliases are refused, because they are
how a "billion laughs" file expands a few hundred bytes into gigabytes; nesting
deeper than the format needs is refused before the recursive composer can
exhaust the stack. What remains is PyYAML's safe loader, which builds only
dicts, lists, strings, numbers and booleans.

JSON is read with the json module (YAML 1.1 reads some valid JSON differently,
such as `1e5` or tab indentation) and composed as YAML only to learn the lines.
"""

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from frameworks.catalogue_io.problems import CatalogueFileError, CatalogueProblem

MAX_FILE_BYTES = 2 * 1024 * 1024
# The format itself nests five deep (indicators → item → levels → item → value).
MAX_DEPTH = 10


@dataclass(frozen=True)
class CatalogueDocument:
    file: str  # as the user named it; every problem starts with it
    data: object  # dicts, lists, str, int, float, bool and None only
    lines: Mapping[str, int]  # field path (`indicators[3].weight`) → line, 1-based; "" is the root


def catalogue_read(*, path: Path | str) -> CatalogueDocument:
    """The parsed file, or CatalogueFileError naming the line that could not be read."""
    file = str(path)
    raw = _read_bytes(file, Path(path))
    try:
        # utf-8-sig: editors on Windows often save UTF-8 with a byte-order mark.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise _refusal(
            file, line, "UTF-8 として読めない文字があります。UTF-8 で保存してください。"
        ) from None
    if Path(path).suffix.lower() == ".json":
        return _read_json(file, text)
    node = _compose(file, text)
    # Located first: constructing flattens merge keys (<<) out of the node tree.
    lines = _locate(file, node)
    try:
        data = _CatalogueLoader("").construct_document(node)
    except yaml.MarkedYAMLError as error:
        raise _yaml_refusal(file, error) from None
    return CatalogueDocument(file=file, data=data, lines=lines)


def _read_bytes(file: str, path: Path) -> bytes:
    try:
        with path.open("rb") as stream:
            # The size on disk decides before a byte is read; reading stops one
            # byte past the limit in case the file is a pipe or still growing.
            size = os.fstat(stream.fileno()).st_size
            raw = b"" if size > MAX_FILE_BYTES else stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise _refusal(file, None, f"ファイルを読めません（{error.strerror or error}）。") from None
    size = max(size, len(raw))
    if size > MAX_FILE_BYTES:
        raise _refusal(
            file,
            None,
            f"ファイルが大きすぎます（{MAX_FILE_BYTES // (1024 * 1024)} MB まで、"
            f"このファイルは {size / (1024 * 1024):.1f} MB）。",
        )
    return raw


def _read_json(file: str, text: str) -> CatalogueDocument:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise _refusal(file, error.lineno, f"JSON として読めません: {error.msg}") from None
    except RecursionError:
        raise _refusal(file, None, f"入れ子が深すぎます（{MAX_DEPTH}段まで）。") from None
    # A raw tab can only be whitespace in valid JSON (inside a string it must be
    # escaped), and PyYAML does not accept tabs as indentation.
    node = _compose(file, text.replace("\t", " "))
    return CatalogueDocument(file=file, data=data, lines=_locate(file, node))


class _Refused(yaml.MarkedYAMLError):
    """Valid YAML that a catalogue may not contain; `problem` is already in Japanese."""


class _CatalogueLoader(yaml.SafeLoader):
    """PyYAML's safe loader without anchors, aliases or deep nesting."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused(
                problem="アンカー・エイリアス（& と *）は使えません。値はそれぞれの場所に書いてください。",
                problem_mark=event.start_mark,
            )
        nested = isinstance(event, yaml.CollectionStartEvent)
        if nested:
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise _Refused(
                    problem=f"入れ子が深すぎます（{MAX_DEPTH}段まで）。",
                    problem_mark=event.start_mark,
                )
        try:
            return super().compose_node(parent, index)
        finally:
            if nested:
                self._depth -= 1


# Dates stay text: the validator checks them and names the line, where PyYAML
# would raise a bare ValueError for 2023-02-30 without one.
_CatalogueLoader.add_constructor("tag:yaml.org,2002:timestamp", _CatalogueLoader.construct_yaml_str)


def _compose(file: str, text: str) -> yaml.Node:
    loader = _CatalogueLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.reader.ReaderError as error:
        line = text[: error.position].count("\n") + 1
        raise _refusal(file, line, f"使えない文字（U+{error.character:04X}）があります。") from None
    except yaml.MarkedYAMLError as error:
        raise _yaml_refusal(file, error) from None
    except yaml.YAMLError as error:
        raise _refusal(file, None, f"YAML として読めません: {error}") from None
    finally:
        loader.dispose()
    if node is None:
        raise _refusal(file, None, "ファイルが空です。")
    return node


def _locate(file: str, root: yaml.Node) -> dict[str, int]:
    """Field path → line of every key and list item; refuses keys YAML allows but a catalogue cannot have."""
    lines = {"": root.start_mark.line + 1}
    problems: list[CatalogueProblem] = []

    def walk(node: yaml.Node, path: str) -> None:
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in node.value:
                line = key.start_mark.line + 1
                if not isinstance(key, yaml.ScalarNode):
                    problems.append(
                        CatalogueProblem(file, line, path, "項目名は文字列にしてください。")
                    )
                    continue
                child = f"{path}.{key.value}" if path else key.value
                if key.tag == "tag:yaml.org,2002:merge":
                    message = (
                        "「<<」（マージキー）は使えません。値はそれぞれの場所に書いてください。"
                    )
                    problems.append(CatalogueProblem(file, line, child, message))
                    continue
                if key.value in seen:
                    message = f"同じ項目が2回書かれています（{seen[key.value]}行目にもあります）。"
                    problems.append(CatalogueProblem(file, line, child, message))
                    continue
                seen[key.value] = line
                lines[child] = line
                walk(value, child)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                child = f"{path}[{index}]"
                lines[child] = item.start_mark.line + 1
                walk(item, child)

    walk(root, "")
    if problems:
        raise CatalogueFileError(problems)
    return lines


def _yaml_refusal(file: str, error: yaml.MarkedYAMLError) -> CatalogueFileError:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark is not None else None
    if isinstance(error, _Refused):
        return _refusal(file, line, error.problem)
    detail = error.problem or ""
    if error.context:
        detail = f"{error.context}, {detail}" if detail else error.context
    return _refusal(file, line, f"YAML として読めません: {detail}")


def _refusal(file: str, line: int | None, message: str) -> CatalogueFileError:
    return CatalogueFileError([CatalogueProblem(file, line, "", message)])
