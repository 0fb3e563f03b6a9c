"""Fill PDF text fields with poppler (poppler-glib through GObject introspection), as a
generic PDF reader's form filling would, and save: a stand-in for a tutor typing feedback in
Acrobat or Evince. Run with the system Python (python3-gi, gir1.2-poppler-0.18):

    /usr/bin/python3 poppler_fill.py IN.pdf OUT.pdf VALUES.json

VALUES.json maps a field's name to its new text. Prints the names it filled.
"""

import json
import sys
from pathlib import Path

import gi

gi.require_version("Poppler", "0.18")
from gi.repository import Poppler  # noqa: E402


def main() -> int:
    source, target, values_path = sys.argv[1:4]
    values = json.loads(Path(values_path).read_text(encoding="utf-8"))
    document = Poppler.Document.new_from_file(Path(source).resolve().as_uri(), None)
    filled = []
    for index in range(document.get_n_pages()):
        page = document.get_page(index)
        for mapping in page.get_form_field_mapping():
            field = mapping.field
            name = field.get_name()
            if name in values and field.get_field_type() == Poppler.FormFieldType.TEXT:
                field.text_set_text(values[name])
                filled.append(name)
    document.save(Path(target).resolve().as_uri())
    print(json.dumps(filled))
    return 0


if __name__ == "__main__":
    sys.exit(main())
