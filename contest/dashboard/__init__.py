"""The organisers' dashboard against the yearly targets, the targets form, exports, and the worker's own page.

``board`` builds what the dashboard shows (shared with the home page); ``views`` is the blueprint; ``demo`` seeds
this year's figures for ``seed-demo``.

Imports: services (``services.dashboard``, ``services.certificates``), domain, documents (xlsx), labels, web helpers.
Imported by: the app factory (the blueprint), ``contest.home.views`` (``board`` only) and ``contest.seed`` (``demo``).
"""
