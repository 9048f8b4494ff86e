FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN DATABASE_URL=postgres://unused@localhost/unused python manage.py collectstatic --noinput -v0
EXPOSE 8000
CMD ["gunicorn", "forum.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
