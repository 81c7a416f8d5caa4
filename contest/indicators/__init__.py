"""The indicator sheet builder (指标考核表): the host's organisers add, change, reorder and remove sections
and indicators, or copy last year's sheet; the set-up page of the ``indicators`` decision method.

Imports: domain, models (through services), services, access, forms, web helpers. Imported by: the app factory
only (``register_blueprints``); another blueprint never imports its views.
"""
