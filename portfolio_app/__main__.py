"""``python -m portfolio_app``: the same as the ``portfolio`` command (opens the app by default)."""

from portfolio_app.cli.main import entry_point

if __name__ == "__main__":
    entry_point()
