"""What an operator expects: health and readiness probes, structured request logs with a request id (resident
IDs and phone numbers redacted from every log line), and Prometheus metrics."""
