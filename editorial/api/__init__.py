"""The REST API (django-ninja) for drafting pipelines and publishing sites; see urls.py."""
