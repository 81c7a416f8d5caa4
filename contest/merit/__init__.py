"""立功竞赛 pages: a contest's periods with the per-period and cumulative ranking (and its Excel export), adding
the next period, starting a series, and the cumulative ranking's set-up and confirmation.

Imports: services (``services.periods``) and forms. Imported by: the app factory only (the demo in
``contest.merit_demo`` uses services only)."""
