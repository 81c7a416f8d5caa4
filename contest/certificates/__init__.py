"""Certificates (证书): PDF rendering lives in :mod:`contest.certificates.pdf` (plain data in, bytes out)."""
