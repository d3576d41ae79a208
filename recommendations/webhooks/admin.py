"""Nothing in Django admin: administrators manage every province's subscriptions on the
webhook pages (views/), which show a secret once, record it in the audit log, and
queue a redelivery; admin would do none of that."""
