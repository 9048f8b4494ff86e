# The production image: the runtime packages only (requirements.lock; the test tools are in
# requirements-dev.lock and stay out), run by an unprivileged user, in production mode.
FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    FORUM_MODE=production WEB_CONCURRENCY=3
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
# Static files are collected at build time (no secret or database needed for that).
RUN FORUM_MODE=development DATABASE_URL=postgres://unused@localhost/unused \
    python manage.py collectstatic --noinput -v0
RUN useradd --system --uid 10001 --user-group --no-create-home --home-dir /nonexistent forum
USER forum
EXPOSE 8000
# SECRET_KEY, DATABASE_URL, REDIS_URL and ALLOWED_HOSTS come from the environment (compose: .env).
# gunicorn reads WEB_CONCURRENCY for its number of workers.
CMD ["gunicorn", "forum.wsgi", "--bind", "0.0.0.0:8000", "--no-control-socket", "--access-logfile", "-"]
