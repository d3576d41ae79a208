from .subscriptions import (  # noqa: F401
    delivery_redeliver,
    subscription_delete,
    subscription_detail,
    subscription_list,
    subscription_new_secret,
    subscription_pause,
    subscription_resume,
)
