.PHONY: run test lint fix lock bench

run:  ## set up and run the app (web + worker + beat)
	bin/dev

test:  ## the whole test suite, on PostgreSQL and Redis
	bin/test

lint:  ## what CI checks besides the tests
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy .
	.venv/bin/python manage.py makemigrations --check --dry-run

fix:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

lock:  ## re-pin every dependency after editing requirements*.txt
	rm -rf var/lock-venv && python3 -m venv var/lock-venv
	var/lock-venv/bin/pip install --quiet -r requirements-dev.txt
	(echo "# Exact versions of every package, runtime and development. Regenerate with: make lock"; \
	 var/lock-venv/bin/pip freeze) > constraints.txt
	rm -rf var/lock-venv

bench:  ## figures for docs/BENCHMARKS.md (not tests)
	bin/bench
