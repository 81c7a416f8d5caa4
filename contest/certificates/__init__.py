"""Certificates (证书): PDF rendering lives in :mod:`contest.certificates.pdf` (plain data in, bytes out).

Imports: domain, models, services, access/policy, forms, web helpers, documents (bytes to send). Imported by: the
app factory only (``register_blueprints``); another blueprint never imports its views.
"""
