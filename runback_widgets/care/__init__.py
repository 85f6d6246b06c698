"""What helps: evidence-rated care, an exercise library and running planners.

``model`` (pure functions, content tables) -> ``export`` (CSV, iCalendar) ->
``figures`` (plotly) -> ``widget`` (the dashboard). Importing this package
imports nothing heavy.
"""
