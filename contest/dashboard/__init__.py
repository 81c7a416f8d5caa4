"""The organisers' dashboard against the yearly targets, the targets form, exports, and the worker's own page."""
