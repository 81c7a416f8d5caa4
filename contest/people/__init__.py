"""Workers, judges and accounts under an organisation: lists, forms, import. Imports: domain, models, services,
access/policy, forms, web helpers, documents (bytes to send). Imported by: the app factory only
(``register_blueprints``); another blueprint never imports its views.
"""
