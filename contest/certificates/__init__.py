"""Certificates (证书): the blueprint only — pages for holders, organisers and public verification.

The PDF is drawn by :mod:`contest.documents.certificate`; issuing, storing, verifying and serving the bytes is
:mod:`contest.services.certificates`.

Imports: domain, services, access/policy, forms, web helpers. Imported by: the app factory only
(``register_blueprints``); another blueprint never imports its views.
"""
