"""What every page shares: the app shell and page registry, UI translation and locale formatting,
URL state, widgets, the docs folder and its cached graph, article rendering, and the store connection."""
