"""Open a workbook in LibreOffice, make edits as a person would, save it as .xlsx.

Run with the Python that has LibreOffice's UNO bridge (Debian: /usr/bin/python3 with
python3-uno), not the project's venv:

    /usr/bin/python3 edit_in_libreoffice.py STEPS.json

STEPS.json: {"source": path, "target": path, "steps": [[operation, ...arguments], ...]}
with operations
    ["unprotect", sheet]              remove a sheet's protection (no password is set)
    ["unprotect_structure"]           allow adding, renaming and deleting sheets
    ["text", sheet, cell, text]       type text into a cell ("F3")
    ["number", sheet, cell, number]   type a number into a cell
    ["delete_row", sheet, row]        delete a whole row (1-based, as Calc numbers rows)
    ["insert_sheet", name, position]  add an empty sheet at a position (0-based)
    ["rename_sheet", old, new]
    ["delete_sheet", name]

LibreOffice is started headless with a throw-away profile and stopped afterwards.
"""

import contextlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException


def _property(name, value):
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def _connect(pipe):
    resolver = uno.getComponentContext().ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", uno.getComponentContext()
    )
    for _ in range(100):
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            time.sleep(0.2)
    raise SystemExit("LibreOffice did not start")


def _edit(document, steps):
    sheets = document.Sheets
    for operation, *arguments in steps:
        if operation == "unprotect":
            sheets.getByName(arguments[0]).unprotect("")
        elif operation == "unprotect_structure":
            document.unprotect("")
        elif operation == "text":
            name, cell, text = arguments
            sheets.getByName(name).getCellRangeByName(cell).setString(text)
        elif operation == "number":
            name, cell, number = arguments
            sheets.getByName(name).getCellRangeByName(cell).setValue(number)
        elif operation == "delete_row":
            name, row = arguments
            sheets.getByName(name).Rows.removeByIndex(row - 1, 1)
        elif operation == "insert_sheet":
            sheets.insertNewByName(*arguments)
        elif operation == "rename_sheet":
            sheets.getByName(arguments[0]).Name = arguments[1]
        elif operation == "delete_sheet":
            sheets.removeByName(arguments[0])
        else:
            raise SystemExit(f"unknown operation {operation}")


def main(steps_path):
    job = json.loads(Path(steps_path).read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as profile:
        pipe = f"dxportal_{Path(profile).name}"
        office = subprocess.Popen(
            [
                "soffice",
                "--headless",
                "--invisible",
                "--norestore",
                "--nologo",
                f"-env:UserInstallation={Path(profile).as_uri()}",
                f"--accept=pipe,name={pipe};urp;",
            ]
        )
        try:
            context = _connect(pipe)
            desktop = context.ServiceManager.createInstanceWithContext(
                "com.sun.star.frame.Desktop", context
            )
            document = desktop.loadComponentFromURL(
                Path(job["source"]).resolve().as_uri(), "_blank", 0, (_property("Hidden", True),)
            )
            _edit(document, job["steps"])
            document.storeToURL(
                Path(job["target"]).resolve().as_uri(),
                (_property("FilterName", "Calc MS Excel 2007 XML"), _property("Overwrite", True)),
            )
            document.close(True)
            with contextlib.suppress(Exception):  # the bridge goes away as LibreOffice quits
                desktop.terminate()
        finally:
            try:
                office.wait(timeout=30)
            except subprocess.TimeoutExpired:
                office.kill()


if __name__ == "__main__":
    main(sys.argv[1])
