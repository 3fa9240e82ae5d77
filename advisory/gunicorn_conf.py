"""gunicorn settings for advisory.

Use: `gunicorn -c python:advisory.gunicorn_conf "advisory:create_app()"`.

Why these values (measured in issue 13):

- Threaded workers (`gthread`): with the default sync workers, two slow or unfinished requests
  froze the whole app (/health) for 36 s. Each worker now serves several requests at once, and
  idle keep-alive connections wait in the worker's poller instead of holding a thread.
- `timeout` 120 s: a 48-page PDF in a fresh worker (which first starts its chart browser) took
  longer than the default 30 s, so gunicorn killed the worker mid-download. `graceful_timeout`
  lets running PDF downloads finish on a restart.
- `max_requests` with jitter: workers are replaced now and then, which bounds the memory that
  WeasyPrint and the chart browser can accumulate.

Put a reverse proxy (nginx, Apache) in front that buffers requests and responses, so that slow
clients are handled there. Every value can be overridden on the command line or through
ADVISORY_GUNICORN_* environment variables below.
"""

from __future__ import annotations

import multiprocessing
import os


def _env(name: str, default: str) -> str:
    return os.environ.get(f"ADVISORY_GUNICORN_{name}", default)


bind = _env("BIND", "127.0.0.1:8000")
workers = int(_env("WORKERS", str(min(2 * multiprocessing.cpu_count() + 1, 8))))
worker_class = "gthread"
threads = int(_env("THREADS", "4"))
timeout = int(_env("TIMEOUT", "120"))
graceful_timeout = int(_env("GRACEFUL_TIMEOUT", "60"))
keepalive = 5
max_requests = int(_env("MAX_REQUESTS", "1000"))
max_requests_jitter = 100
# Requests larger than this are refused by gunicorn before the app sees them.
limit_request_line = 8190
limit_request_fields = 100
# Headers from the reverse proxy on this host are trusted (X-Forwarded-Proto for HTTPS).
forwarded_allow_ips = _env("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Access log: a file, "-" for stdout; none by default (the reverse proxy logs requests).
accesslog = os.environ.get("ADVISORY_GUNICORN_ACCESS_LOG")
errorlog = "-"
