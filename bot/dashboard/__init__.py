"""The staff dashboard: funnel, ecosystem map, gaps and the week's suggested introductions, as server-rendered
pages on the bot's own web app (``/dashboard``), reached through a short-lived signed link the bot gives staff.

``container.dashboard`` is a ``DashboardService`` (``bot.dashboard.service``); the routes are in
``bot.dashboard.routes``. Figures come from SQL aggregates (``funnel``, ``ecosystem``), charts from matplotlib
(``charts``), topics of unmet questions from scikit-learn (``gaps``).
"""
