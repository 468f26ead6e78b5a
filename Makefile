# The two commands of the README's Quick start, and the pieces of the second.
.PHONY: serve test lint typecheck

serve:
	scripts/serve.sh

test:
	scripts/test.sh

lint:
	.venv/bin/ruff check src tests bench
	.venv/bin/lint-imports

typecheck:
	.venv/bin/mypy
