"""Qt item models: every list, table and tree the GUI shows (model/view, no item widgets)."""
