"""gunicorn's settings for every way the forum is served (bin/serve, the Docker image, compose):
gunicorn reads this file from the directory it starts in.

Threaded workers (gthread), so a client that sends its request slowly holds one thread, not a
whole worker: with sync workers, four half-sent requests blocked /health/ on a 2-worker server
for over 12 s (until the 30 s worker timeout). In production a buffering proxy (nginx, see
deploy/nginx.conf and docker-compose.yml) reads each request whole, with its own timeouts,
before gunicorn sees it; the threads are the second line for servers run without one.
"""

import os

worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "8"))
# An idle keep-alive connection gives its thread back after this long.
keepalive = 5
# A worker stuck longer than this (a request that never finishes) is restarted.
timeout = 30
