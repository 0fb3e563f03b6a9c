"""The signed PDF portfolio: selection, privacy check, layout and atomic writing.

Qt-free, and cheap to import: reportlab, markdown and pyHanko are imported inside the
functions that need them, so building the command-line parser or starting the GUI never pays
for them. Modules, one job each:

* ``selection``: :class:`ExportSelection` (all entries, or by date range, status, tag, ids).
* ``plan``: the reading order (entries grouped by event or experience, each plan followed by
  the reflections that answer it) and the E-numbers the coverage table refers to.
* ``identifiers``: the patient-identifier check over exactly the text that will be printed.
* ``fonts``, ``styles``, ``markdown_render``, ``charts``: the pieces of the page.
* ``document``: one layout pass that also fills in the contents page (see its docstring).
* ``atomic``: temp file in the target folder, fsync, ``os.replace``.
* ``errors``: :class:`ExportCancelled`, :class:`IdentifierFindingsError`.

The orchestration (read the vault, identity, sign, write) is in
``portfolio_app.core.services.export_service``.
"""
