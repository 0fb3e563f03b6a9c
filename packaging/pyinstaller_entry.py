"""Entry point for the PyInstaller build: the same ``portfolio`` command, GUI by default."""

from portfolio_app.cli.main import entry_point

if __name__ == "__main__":
    entry_point()
