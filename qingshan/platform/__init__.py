"""The registries at the top of the house: the only package that names every domain.

- :mod:`.models`: every domain's tables (one ``MetaData`` for Alembic and the tests; importing
  it also registers the audit listener).
- :mod:`.app`: the web application: API routers, dashboard pages, navigation, providers.
- :mod:`.runtime`: what runs beside the app in ``qingshan serve`` (scheduler, listener).
- :mod:`.jobs`: the periodic jobs and their schedules.
- :mod:`.cli`: ``serve``, ``demo``, ``jobs``, ``users``.

Nothing below this package imports it (``make lint`` checks the layers; see
``docs/architecture.md``).
"""
