"""Log-in, log-out, password change and reset, and the user loader. Imports: domain, models, services, access/policy,
forms, web helpers, documents (bytes to send). Imported by: the app factory only (``register_blueprints``); another
blueprint never imports its views.
"""
