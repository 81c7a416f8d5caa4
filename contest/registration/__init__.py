"""Nominations (报名) through the hierarchy, bulk import and the draw (抽签). Imports: domain, models, services,
access/policy, forms, web helpers, documents (bytes to send). Imported by: the app factory only
(``register_blueprints``); another blueprint never imports its views.
"""
