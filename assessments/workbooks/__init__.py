"""Answering a questionnaire offline in Excel: export, upload, preview, apply.

- contents: the department's assigned indicators with their current answers.
- layout: what the workbook looks like (sheets, columns, cell texts) and the
  mapping between cells and answer values, both ways, plus the signed
  identifier that ties a file to its questionnaire and export-time versions.
- writing: builds the .xlsx (instructions sheet, one sheet per policy area,
  dropdowns, protection, formula-safe cells).
- reading: refuses hostile files before openpyxl sees them, then reads cells
  with openpyxl in read-only mode.
- importing: the preview (changes and per-row problems) and the all-or-nothing
  apply through answering.answer_save(via="excel").
"""
