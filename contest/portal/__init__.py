"""The public portal: upcoming contests, published results, certificate verification, announcements (通知公告)."""
