"""What an operator expects: health and readiness probes, structured request logs with a request id (resident
IDs and phone numbers redacted from every log line), and Prometheus metrics.

Imports: domain, models, services, access/policy, forms, web helpers, documents (bytes to send). Imported by: the
app factory only (``register_blueprints``); another blueprint never imports its views.
"""
