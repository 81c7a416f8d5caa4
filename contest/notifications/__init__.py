"""The notification inbox and the unread badge in the navigation bar."""
