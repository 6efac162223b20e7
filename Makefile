# Two commands do all the set-up (README): `make render` and `make test`.
# Each first installs what is missing (Debian packages, then a virtual environment with sigsat),
# and does nothing more when everything is already there.

SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# What manim needs from the system: pango/cairo headers to build ManimPango and pycairo, a C
# compiler, a minimal TeX Live with dvisvgm for MathTex, and a font for Text; espeak-ng for the
# offline voice, Festival with its HTS voice for a more natural English one (--narration festival),
# and sox, which manim-voiceover looks for on every import.
APT_PACKAGES := build-essential pkg-config libpango1.0-dev libcairo2-dev fonts-dejavu-core \
	texlive-latex-base texlive-latex-extra texlive-fonts-recommended dvisvgm espeak-ng sox \
	festival festvox-us-slt-hts
# The tests also open the gallery and the HTML deck in a real browser: Debian's chromium. On Ubuntu,
# whose chromium package is a snap that does not run in containers, any Chromium or Chrome on PATH
# that runs will do (.ci/find-browser.sh, which the tests ask too); without one, make test says what
# to install.
TEST_APT_PACKAGES := chromium
# reveal.js for the offline HTML deck, from the npm registry at set-up, never at view time.
REVEAL := $(VENV)/share/sigsat/reveal.js-6.0.1

.PHONY: render test test-fast system-deps test-system-deps venv clean catalogs

render: venv
	$(VENV)/bin/sigsat render $(ARGS)

# The whole suite runs as its two tiers side by side (.ci/tiers.sh); with ARGS, one plain pytest.
test: venv test-system-deps
	@if [ -z "$(ARGS)" ]; then bash .ci/tiers.sh $(PY); else $(PY) -m pytest $(ARGS); fi

test-fast: venv
	$(PY) -m pytest -m "not slow" $(ARGS)

venv: system-deps $(STAMP) $(REVEAL)/VERSION

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,cluster,preview]'
	@touch $@

$(REVEAL)/VERSION: | $(STAMP)
	$(PY) -m sigsat.production.slides install-reveal $(REVEAL)

system-deps:
	@bash .ci/system-deps.sh $(PYTHON) $(APT_PACKAGES)

test-system-deps:
	@bash .ci/system-deps.sh $(PYTHON) $(TEST_APT_PACKAGES)

# The translation catalogs (README, "Adding a language"): extract every marked English string into
# the template, merge it into each language's catalog (new lines arrive untranslated, changed ones
# fuzzy; tests/test_catalogs.py fails until they are translated), and compile each to check it.
LOCALE := sigsat/locale
PYBABEL := $(VENV)/bin/pybabel
catalogs: $(STAMP)
	$(PYBABEL) extract -F babel.cfg -k N_ -k tr --no-location --sort-output --omit-header \
		-o $(LOCALE)/sigsat.pot .
	$(PYBABEL) update -i $(LOCALE)/sigsat.pot -d $(LOCALE) -D sigsat --ignore-obsolete --previous
	$(PYBABEL) compile -d $(LOCALE) -D sigsat --statistics

clean:
	rm -rf $(VENV) media .pytest_cache .hypothesis
