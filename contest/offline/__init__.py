"""The judge's pages offline: the service worker and the device's API token."""
