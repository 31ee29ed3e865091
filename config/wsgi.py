import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
application = get_wsgi_application()
# What loading Django created lives as long as the worker: keep the cyclic garbage collector
# from walking it on every full collection (pauses of up to ~90 ms per worker under load
# otherwise; bench/public_pages.py).
gc.freeze()
