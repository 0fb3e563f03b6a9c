"""Controllers: turn widget intents into service calls, undo commands and background tasks."""
