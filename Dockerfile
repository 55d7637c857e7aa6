# Production image: gunicorn for the web, the same image runs the Celery worker and beat.
# (deploy/proxy.Dockerfile builds the nginx in front of it.)
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_ENV=production \
    VAKT_DATA_DIR=/data

WORKDIR /app
# OpenCV (under RapidOCR, the local text reader) links libGL and GLib, which slim lacks.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libgl1 libglib2.0-0 \
 && rm -rf /var/lib/apt/lists/*
COPY requirements.txt constraints.txt ./
# /data/media exists, the vakt user's, before compose mounts its volume there: a new volume
# starts as a copy of the folder, ownership included, so uploads can be written.
# pdqhash is source only: a compiler for the build, removed again from the image.
RUN apt-get update && apt-get install -y --no-install-recommends g++ \
 && pip install -r requirements.txt -c constraints.txt \
 && apt-get purge -y --auto-remove g++ && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 1000 --home-dir /app vakt \
 && mkdir -p /data/media && chown -R vakt:vakt /data

COPY --chown=vakt . .
# Both need settings to import, but not the real secret. Translations are compiled here, never
# committed; --force: a .mo that came with the build context is never trusted.
RUN SECRET_KEY=build-only ALLOWED_HOSTS=build python manage.py compiletranslations --force \
 && SECRET_KEY=build-only ALLOWED_HOSTS=build python manage.py collectstatic --noinput

USER vakt
EXPOSE 8000
CMD ["gunicorn", "project.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
