"""The public portal: upcoming contests, published results, certificate verification, announcements (通知公告).

``views`` is the blueprint (public pages cached for anonymous visitors by ``cache``, and the organisers' pages for
announcements and rules documents); the reads and writes are ``contest.services.portal``.

Imports: services, loaders, domain, forms, web helpers. Imported by: the app factory only (and ``cache`` by the
portal's own views).
"""
