"""The one label dictionary: canonical column -> Chinese label and unit.

Every table a person sees (notebook, HTML, Excel), every chart axis and every
widget description takes its words from here.  Column names in the API stay
English; :func:`show` turns a result table into what a manager reads: Chinese
headers, numbers formatted for people, text from the data HTML-escaped.

Units (the second item) decide the number format:

``money``   thousands separators, no decimals        1,234,567
``money2``  thousands separators, two decimals       1,234.57
``pct``     a fraction shown as a percentage         29.6%
``count``   an integer with thousands separators     1,088
``days``    whole days                               339
``num``     up to two decimals                       3.14
``score``   one decimal                              4.5
``date``    YYYY-MM-DD
``text``    as it is (escaped in HTML)

>>> label("customer"), label("revenue_share"), label("not_in_the_dictionary")
('客户', '收入占比', 'not_in_the_dictionary')
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Iterable, Mapping

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: canonical column -> (Chinese label, unit).  Sections by area; add new
#: names in the section of the module that returns them.
LABELS: dict[str, tuple[str, str]] = {
    # --- reading (io) -------------------------------------------------------
    # leads (identify, lesson 01)
    "lead_id": ("线索编号", "text"),
    "company": ("公司", "text"),
    "contact": ("联系人", "text"),
    "phone": ("电话", "text"),
    "email": ("邮箱", "text"),
    "industry": ("行业", "text"),
    "employees": ("员工数", "count"),
    "sites": ("办公地点数", "count"),
    "source": ("线索来源", "text"),
    "it_basics": ("已有基础信息化", "text"),
    "finance": ("财务状况", "text"),
    "status": ("状态", "text"),
    "reasons": ("原因", "text"),
    "missing_info": ("待核实信息", "text"),
    "duplicate_of": ("重复于", "text"),
    "leads": ("线索数", "count"),
    "kept_share": ("剩余占比", "pct"),
    "qualified": ("合格数", "count"),
    "unique_valid": ("有效且不重复", "count"),
    "qualified_rate": ("合格率", "pct"),
    "fit_rate": ("画像符合率", "pct"),
    "min_employees": ("员工数门槛", "count"),
    "min_sites": ("办公地点门槛", "count"),
    "date": ("日期", "date"),
    "customer": ("客户", "text"),
    "customer_key": ("客户（归一）", "text"),
    "customer_raw": ("客户（原写法）", "text"),
    "product": ("产品", "text"),
    "amount": ("金额", "money"),
    "quantity": ("数量", "num"),
    "order_id": ("单据编号", "text"),
    "region": ("区域", "text"),
    "owner": ("销售员", "text"),
    "sheet": ("工作表", "text"),
    "row": ("行号", "count"),
    "reason": ("原因", "text"),
    "value": ("原值", "text"),
    # --- customers and value (clv, rfm, abc, lifecycle, nps) ----------------
    "revenue": ("收入", "money"),
    "revenue_share": ("收入占比", "pct"),
    "customer_share": ("客户占比", "pct"),
    "cumulative_share": ("累计收入占比", "pct"),
    "customers": ("客户数", "count"),
    "orders": ("订单数", "count"),
    "aov": ("平均订单金额", "money"),
    "recency": ("最近购买距今（天）", "days"),
    "frequency": ("购买次数", "count"),
    "monetary": ("消费金额", "money"),
    "segment": ("客户群", "text"),
    "stage": ("阶段", "text"),
    "days_since_last": ("距上次购买（天）", "days"),
    "first_purchase": ("首次购买", "date"),
    "last_purchase": ("最近购买", "date"),
    "clv": ("客户生命周期价值（CLV）", "money"),
    "historical_value": ("历史收入", "money"),
    "grade": ("等级", "text"),
    "abc_class": ("ABC 类别", "text"),
    "quadrant": ("价值象限", "text"),
    "n": ("样本数", "count"),
    "nps": ("NPS（分）", "score"),
    "recency_days": ("最近购买距今（天）", "days"),
    "tenure_years": ("合作年限（年）", "num"),
    "annual_margin": ("年均毛利", "money"),
    "p_alive": ("仍活跃的概率", "pct"),
    "expected_purchases": ("预测购买次数", "num"),
    "method": ("估值方法", "text"),
    "t": ("期", "count"),
    "margin": ("当期利润", "money"),
    "cost": ("成本", "money"),
    "discount_factor": ("折现因子", "num"),
    "present_value": ("现值", "money2"),
    "cumulative_value": ("累计现值", "money2"),
    "new_customers": ("新客户数", "count"),
    "avg_clv": ("新客户平均价值", "money"),
    "ltv": ("客户终身价值（已实现毛利 + CLV）", "money"),
    "monthly_margin": ("月均毛利", "money"),
    "spend": ("获客花费", "money"),
    "cac": ("获客成本（CAC）", "money"),
    "ltv_cac": ("LTV:CAC", "num"),
    "payback_months": ("回本月数", "num"),
    "net_contribution": ("每个客户净贡献", "money"),
    "total_contribution": ("渠道总贡献", "money"),
    "cac_cap": ("获客成本上限（3:1）", "money"),
    "channel": ("获客渠道", "text"),
    "R": ("R 得分", "count"),
    "F": ("F 得分", "count"),
    "M": ("M 得分", "count"),
    "rfm_code": ("RFM 代码", "text"),
    "rfm_score": ("RFM 总分", "count"),
    "rfm_class": ("八类客户", "text"),
    "avg_recency_days": ("平均距今（天）", "num"),
    "avg_frequency": ("平均购买天数", "num"),
    "action": ("建议动作", "text"),
    "share": ("收入占比", "pct"),
    "cum_share": ("累计收入占比", "pct"),
    "current_value": ("近一个窗口净收入", "money"),
    "previous_value": ("上一个窗口净收入", "money"),
    "growth": ("增长率", "pct"),
    "strategy": ("策略", "text"),
    # lifecycle and nps (lessons 06, 07)
    "promoters": ("推荐者", "count"),
    "passives": ("被动者", "count"),
    "detractors": ("贬损者", "count"),
    "missing": ("未作答", "count"),
    "se": ("标准误（分）", "score"),
    "ci_low": ("95% 区间下限", "score"),
    "ci_high": ("95% 区间上限", "score"),
    "difference": ("差值（分）", "score"),
    "p_value": ("p 值", "num"),
    "active": ("当期购买客户数", "count"),
    "retained": ("下期仍购买", "count"),
    "retention": ("留存率", "pct"),
    "churn": ("流失率", "pct"),
    "as_of": ("分析日期", "date"),
    "period_start": ("期初", "date"),
    "period_end": ("期末", "date"),
    "active_start": ("期初活跃客户", "count"),
    "new": ("新增客户", "count"),
    "churned": ("新流失客户", "count"),
    "returned": ("流失后回来", "count"),
    # --- buckets (funnel) ---------------------------------------------------
    "gap": ("距上一段还差", "money"),
    "priority": ("优先跟进", "text"),
    "bucket": ("销售额分段", "text"),
    "low": ("下限", "money"),
    "high": ("上限", "money"),
    # --- pipeline (funnel stages, forecast, prioritize) ---------------------
    "opportunity_id": ("商机编号", "text"),
    "opportunity": ("商机", "text"),
    "probability": ("赢单概率", "pct"),
    "expected_close": ("预计成交日期", "date"),
    "created": ("创建日期", "date"),
    "closed": ("关闭日期", "date"),
    "outcome": ("结果", "text"),
    "score": ("得分", "score"),
    "weighted": ("加权金额", "money"),
    "category": ("预测类别", "text"),
    "entered": ("进入", "count"),
    "advanced": ("推进", "count"),
    "lost": ("流失", "count"),
    "open": ("进行中", "count"),
    "resolved": ("已结束（推进+流失）", "count"),
    "conversion": ("转化率（按进入）", "pct"),
    "conversion_low": ("下限", "pct"),
    "conversion_high": ("上限", "pct"),
    "resolved_conversion": ("转化率（按已结束）", "pct"),
    "resolved_low": ("95% 区间下限", "pct"),
    "resolved_high": ("95% 区间上限", "pct"),
    "loss_rate": ("流失率（流失÷进入）", "pct"),
    "loss_low": ("流失率下限", "pct"),
    "loss_high": ("流失率上限", "pct"),
    "cumulative": ("累计转化率", "pct"),
    "avg_days": ("平均停留（天）", "days"),
    "benchmark": ("基准", "pct"),
    "bottleneck": ("瓶颈", "text"),
    "note": ("说明", "text"),
    "transition": ("阶段转化", "text"),
    "rate": ("转化率（按已结束）", "pct"),
    "rule": ("规则", "text"),
    "counted": ("计入预测", "text"),
    "how": ("怎么计", "text"),
    "call": ("预测口径", "text"),
    "includes": ("包含", "text"),
    "deals": ("商机数", "count"),
    "period": ("期间", "text"),
    "days_overdue": ("逾期（天）", "days"),
    "quarter": ("季度", "text"),
    "forecast": ("季初加权预测", "money"),
    "forecast_calibrated": ("用历史概率的预测", "money"),
    "actual": ("实际赢单", "money"),
    "won_pipeline": ("其中：季初管道内", "money"),
    "won_overdue": ("其中：季初已逾期", "money"),
    "won_new": ("其中：季内新建", "money"),
    "n_pipeline": ("管道内单数", "count"),
    "n_overdue": ("逾期单数", "count"),
    "n_new": ("新建单数", "count"),
    "error": ("预测误差", "money"),
    "error_pct": ("误差率", "pct"),
    "open_amount": ("进行中金额", "money"),
    "moved": ("本周推进", "count"),
    "slipped": ("已逾期", "count"),
    "at_risk": ("60 天未推进", "count"),
    "expected_value": ("期望金额（金额×概率）", "money"),
    "rank": ("排名", "count"),
    "tier": ("优先级", "text"),
    "seed_check": ("通过原文标准", "text"),
    "shortlisted_vendors": ("备选供应商数", "count"),
    # --- learner side (exercises, widgets) ----------------------------------
    "rows": ("显示行数", "count"),
    "dataset": ("数据", "text"),
    "rows_total": ("行数", "count"),
    "columns_shown": ("前几列（代码里的列名）", "text"),
    "step": ("漏斗层", "text"),
    "step_count": ("数量", "count"),
    "step_unit": ("单位", "text"),
    "conversion_from_previous": ("到达下一层的比例", "pct"),
    # --- predictive models (predict) -----------------------------------------
    "model": ("模型", "text"),
    "parameters": ("参数个数", "count"),
    "log_likelihood": ("对数似然（LL）", "num"),
    "bic": ("BIC", "num"),
    "holdout_actual": ("验证期实际购买次数", "count"),
    "holdout_predicted": ("验证期预测购买次数", "count"),
    "holdout_error": ("总量误差（预测/实际−1）", "pct"),
    "mae": ("每客户平均绝对误差", "num"),
    "rmse": ("每客户均方根误差", "num"),
    "converged": ("收敛", "text"),
    "parameter": ("参数", "text"),
    "estimate": ("估计值", "num"),
    "std_error": ("标准误", "num"),
    "lower": ("95% 区间下限", "num"),
    "upper": ("95% 区间上限", "num"),
    "paper": ("论文报告值", "num"),
    "calibration_frequency": ("校准期复购次数", "text"),
    "repeat_purchases": ("校准期复购次数", "text"),
    "predicted": ("模型预测", "num"),
    "expected_spend": ("预期客单价", "money2"),
    "frequency_holdout": ("验证期购买次数", "count"),
    "duration_holdout": ("验证期长度（周）", "num"),
    "predictive_clv": ("预测 CLV", "money"),
    # management report (issue 16)
    "metric": ("指标", "text"),
    "unit_word": ("单位", "text"),
    "current": ("本期", "num"),
    "previous": ("上期", "num"),
    "change": ("变化", "pct"),
    "item": ("项目", "text"),
    "content": ("内容", "text"),
    "attainment": ("完成率", "pct"),
    "count_listed": ("名单人数", "count"),
    "list_sheet": ("名单（Excel 工作表）", "text"),
    "respondent": ("答卷编号", "text"),
    "comment": ("意见", "text"),
    # --- engines (lesson 13) ----------------------------------------------------
    "engine": ("计算引擎", "text"),
    "input_type": ("输入类型", "text"),
    "result_type": ("结果类型", "text"),
    "lazy": ("惰性（取结果时才计算）", "text"),
    "a_customers": ("A 类客户数", "count"),
    "agrees": ("与 pandas 逐客户一致", "text"),
}

#: unit -> how one value is written for people
_FORMATS = {
    "money": "{:,.0f}", "money2": "{:,.2f}", "pct": "{:.1%}", "count": "{:,.0f}",
    "days": "{:,.0f}", "num": "{:,.2f}", "score": "{:.1f}",
}


def label(name: object) -> str:
    """Chinese label of a canonical column; unknown names come back unchanged."""
    entry = LABELS.get(str(name))
    return entry[0] if entry else str(name)


def unit(name: object) -> str | None:
    """Unit of a canonical column (see the module docstring), or None."""
    entry = LABELS.get(str(name))
    return entry[1] if entry else None


def format_value(value: Any, kind: str | None) -> str:
    """One value as a person reads it; ``inf`` as 以上/以下, missing as blank.

    >>> format_value(0.2959558823529412, "pct"), format_value(1234567.8, "money")
    ('29.6%', '1,234,568')
    >>> format_value(float("inf"), "money"), format_value(float("-inf"), "money"), format_value(None, "pct")
    ('以上', '以下', '')
    >>> format_value(True, None)
    '是'

    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if type(value).__name__ in ("bool", "bool_"):
        return "是" if value else "否"
    if isinstance(value, float) and math.isinf(value):
        return "以上" if value > 0 else "以下"
    if kind == "date" and hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    fmt = _FORMATS.get(kind or "")
    if fmt and isinstance(value, (int, float)) and not isinstance(value, bool):
        return fmt.format(value)
    try:
        import numpy as np

        if fmt and isinstance(value, np.number):
            return fmt.format(float(value))
    except ImportError:  # pragma: no cover
        pass
    return str(value)


def relabel(frame: "pd.DataFrame", extra: Mapping[str, str] | None = None) -> "pd.DataFrame":
    """A copy of ``frame`` with Chinese column (and index) names, values untouched."""
    names = {c: (extra or {}).get(c, label(c)) for c in frame.columns}
    out = frame.rename(columns=names)
    if out.index.name is not None:
        out.index = out.index.rename((extra or {}).get(out.index.name, label(out.index.name)))
    return out


def show(frame: "pd.DataFrame", units: Mapping[str, str] | None = None,
         extra: Mapping[str, str] | None = None, index: bool = False,
         uuid: str | None = None) -> Any:
    """A pandas Styler for display: Chinese headers, formatted numbers, text escaped.

    Parameters
    ----------
    frame : a result table with canonical (English) column names
    units : unit per column where the dictionary has none or should be overridden
    extra : labels for columns the dictionary does not know (one-off names)
    index : show the index (default hidden, as in a report)
    uuid : a fixed id so stored notebook outputs stay byte-identical
    """
    kinds = {c: (units or {}).get(c) or unit(c) or _guess_unit(frame[c]) for c in frame.columns}
    shown = relabel(frame, extra)
    formatters = {shown.columns[i]: (lambda v, k=kinds[c]: format_value(v, k))
                  for i, c in enumerate(frame.columns)}
    styler = shown.style.format(formatters, escape="html").format_index(escape="html", axis=0)
    styler = styler.format_index(escape="html", axis=1)
    if not index:
        styler = styler.hide(axis="index")
    return styler.set_uuid(uuid or "t")


def _guess_unit(values: Iterable[Any]) -> str | None:
    """Floats get two decimals, integers thousands separators, the rest is text."""
    import pandas as pd

    series = pd.Series(values)
    if pd.api.types.is_bool_dtype(series):
        return "text"
    if pd.api.types.is_integer_dtype(series):
        return "count"
    if pd.api.types.is_float_dtype(series):
        return "num"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "date"
    return "text"
