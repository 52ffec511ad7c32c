"""The dashboard run in Streamlit's AppTest, as the page tests start it."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"


def started_app(query: dict[str, str], timeout: float = 120) -> AppTest:
    """The app run once with these query parameters, checked to have raised nothing."""
    app = AppTest.from_file(str(APP), default_timeout=timeout)
    for name, value in query.items():
        app.query_params[name] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app
