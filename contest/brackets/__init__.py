"""Brackets of head-to-head events: drawing up, the bracket pages, match results and sign-off.

Imports: domain, models, services, access/policy, forms, web helpers, documents (bytes to send). Imported by: the
app factory only (``register_blueprints``); another blueprint never imports its views.
"""
