"""Entry point for the PyInstaller build: the same ``portfolio`` command, the app by default.

``gui_entry_point`` rather than ``entry_point``: the console-less Windows executable has no
``sys.stdout``/``sys.stderr`` (None), which it replaces with a null stream.
"""

from portfolio_app.cli.main import gui_entry_point

if __name__ == "__main__":
    gui_entry_point()
