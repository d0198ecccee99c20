# sitecensus — two commands: `make run` (demo on SQLite) and `make test` (every test).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install demo chromium clean

# PYTHONWARNINGS: the build backend's advice on editable installs is for package authors, not for users.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "需要 Python 3.11 或更高版本")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet --upgrade pip
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	DEBUG=1 $(BIN)/sitecensus migrate --noinput
	DEBUG=1 $(BIN)/sitecensus load-divisions
	DEBUG=1 $(BIN)/sitecensus load-demo

run: demo
	@echo ""
	@echo "sitecensus 已启动： http://$(HOST):$(PORT)/   （Ctrl+C 停止）"
	@echo "登录：账号见上表，密码 Pucha@2015Demo；国办、三员与组织单位账号还须输入动态口令：另开终端运行 $(BIN)/sitecensus demo-otp 查看。"
	DEBUG=1 $(BIN)/sitecensus runserver $(HOST):$(PORT)

# Browser tests drive Debian's Chromium; install it when missing and we may.
chromium:
	@test -x /usr/bin/chromium || { [ "$$(id -u)" = 0 ] && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) || echo "提示：未找到 /usr/bin/chromium，浏览器测试将失败（请安装 Debian 的 chromium 软件包）"; }

# Every test, in parallel (pytest-xdist): TEST_WORKERS processes, each with its own test database
# (SQLite: in memory; PostgreSQL: test_<name>_gw0, _gw1, …). Each worker runs its share in the
# suite's order (tests that flush the database after those that share the demo, browser tests
# last); an idle worker takes tests from the end of a busy one's share (--dist worksteal).
# The order is random (pytest-randomly); the seed is printed: `make test TEST_SEED=N` repeats it.
# SITECENSUS_TEST_BROWSERS=0 make test: every test but the browser tests; =1/2 (or 2/2): every test but
# the other half of the browser tests (CI's runs: .ci/run runs each browser test once, half on each
# database, and every other test on both). SITECENSUS_TEST_DJANGO_FREE=0 leaves out the tests of the
# packages that import no Django (CI's PostgreSQL run: they open no database, the SQLite run has them);
# SITECENSUS_TEST_ONCE=0 the tests marked `once` (CI's SQLite run: the PostgreSQL run has them).
TEST_WORKERS ?= auto
TEST_SEED ?=
test: $(STAMP) chromium
	@seed=$(if $(TEST_SEED),$(TEST_SEED),$$(date +%s)); echo "测试顺序种子 $$seed（重现：make test TEST_SEED=$$seed）"; \
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist worksteal --randomly-seed=$$seed $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var build *.egg-info
