# The two commands of the README's Quick start, and the pieces of the second.
.PHONY: serve test lint typecheck screenshots

serve:
	scripts/serve.sh

test:
	scripts/test.sh

lint:
	.venv/bin/ruff check src tests bench
	.venv/bin/lint-imports

typecheck:
	.venv/bin/mypy

# The screenshots the docs link to: the browser tests that take them (into var/screenshots/,
# ignored), then copied into docs/screenshots/. The list is CHOSEN in tests/browser/screenshots.py.
screenshots:
	env -u DATABASE_URL .venv/bin/python -m tests.browser.screenshots
