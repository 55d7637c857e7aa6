# The reverse proxy of docker-compose.yml: Debian's nginx on the application image's own base,
# so the stack pulls no image beyond the ones it already uses, and the renderer has its Python.
FROM python:3.11-slim

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx \
 && rm -rf /var/lib/apt/lists/*

COPY deploy/nginx.conf.template deploy/render_nginx.py /etc/vakt/

# Unprivileged: the configuration and temp files go to /tmp/vakt-proxy, port 8080.
USER www-data
EXPOSE 8080
CMD ["python3", "/etc/vakt/render_nginx.py", "--run"]
