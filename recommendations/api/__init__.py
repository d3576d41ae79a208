"""The read API (/api/v1/): Django REST framework views over the same `visible_to(user)` as the
pages, an OpenAPI schema by drf-spectacular, and an Open311 GeoReport v2 view of the
recommendations (open311.py)."""
