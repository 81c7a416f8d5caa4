"""Printed documents other than certificates (sign-in sheets, …): plain data in, PDF bytes out.

No Flask and no SQLAlchemy here; the services load the data and the views send the bytes.

Imports: the standard library, ReportLab/openpyxl, domain; never services, api or a blueprint. Imported by: services
and views.
"""
