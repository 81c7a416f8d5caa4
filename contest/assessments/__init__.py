"""Self-assessments of unit entries (安康杯 自评): the figures form, evidence files (佐证材料), submission, the
units' own list, the host's and approvers' overview of an event, and the evidence download.

``views`` is the blueprint, ``forms`` its form classes; the rules, reads and writes are
``contest.services.assessments``; ``demo`` seeds the demo's assessments (called from ``contest.seed``).

Imports: services, loaders, domain, forms, web helpers (``demo``: services and the dashboard's demo PDF).
Imported by: the app factory (``views``) and the seed (``demo``).
"""
