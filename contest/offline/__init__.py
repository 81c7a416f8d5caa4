"""The judge's pages offline: the service worker and the device's API token.

Imports: domain, models, services, access/policy, forms, web helpers, documents (bytes to send). Imported by: the
app factory only (``register_blueprints``); another blueprint never imports its views.
"""
