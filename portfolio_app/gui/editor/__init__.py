"""The entry editor: template sections, Markdown preview, plan pane and link pickers."""
