from django.apps import AppConfig


class BenchConfig(AppConfig):
    """`make bench`'s tooling as an app, for its command: `manage.py generate_scale` builds the
    national data set (scale.py) next to the code it runs, which the portal's apps may not
    import (tests/test_layers.py). No models."""

    name = "bench"
