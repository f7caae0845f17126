.PHONY: setup run test lint frontend schema bench

setup:        ## Python venv, web app build
	scripts/setup

run:          ## set up and run standalone (http://127.0.0.1:8000)
	scripts/run

test:         ## set up and run the whole test suite
	scripts/test

lint:
	scripts/lint

frontend:
	cd frontend && npm ci && npm run build

schema:       ## re-export schema.graphql and openapi.json after changing the API
	.venv/bin/phantom schema export --output schema.graphql
	.venv/bin/phantom openapi export --output openapi.json

bench:
	.venv/bin/python bench/graphql_overhead.py
