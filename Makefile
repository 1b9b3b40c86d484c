# cvwork: the two commands are `make lab` and `make test`; each makes .venv on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip

.PHONY: lab test refresh student data report clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.test: $(BIN)/python pyproject.toml constraints.txt
	$(PIP) install --quiet -c constraints.txt -e ".[test]"
	touch $@

$(VENV)/.lab: $(VENV)/.test
	$(PIP) install --quiet -c constraints.txt -e ".[lab]"
	touch $@

## 打开课程：JupyterLab 以仓库根目录为根（data/README.md 等都能打开），并打开第 00 课
## (open the course: JupyterLab rooted at the repository, lesson 00 open)
LAB_FLAGS ?= $(if $(filter 0,$(shell id -u)),--allow-root,)
lab: $(VENV)/.lab
	$(BIN)/jupyter lab $(LAB_FLAGS) --ServerApp.root_dir="$(CURDIR)" notebooks/00_overview.ipynb

## 运行全部测试：单元测试 + papermill + nbval (run every test)
test: $(VENV)/.test
	CVWORK_HEADLESS=1 $(BIN)/python -m pytest -n 2 --dist loadscope --nbval --nbval-current-env \
		--nbval-sanitize-with tests/sanitize.cfg --doctest-modules tests notebooks cvwork

## 重新生成笔记本中保存的输出 (regenerate stored outputs, headless and deterministic)
refresh: $(VENV)/.test
	$(BIN)/python -m cvwork.nbtools refresh

## 生成学生版（去掉答案）到 student/ (student edition)
student: $(VENV)/.test
	$(BIN)/python -m cvwork.nbtools student

## 重新生成 data/ 中的样例数据 (regenerate the sample data, byte for byte)
data: $(VENV)/.test
	$(BIN)/python -m cvwork.datasets

## 生成管理报告：make report INPUT=我的销售报表.xlsx [PRODUCT=XX产品] [OUT=output]（HTML + Excel，见 cvwork report --help）
INPUT   ?= data/sales_report.xlsx
PRODUCT ?=
OUT     ?= output
report: $(VENV)/.test
	$(BIN)/cvwork report "$(INPUT)" $(if $(PRODUCT),--product "$(PRODUCT)",) --out "$(OUT)"

clean:
	rm -rf $(VENV) student output
