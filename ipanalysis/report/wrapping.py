"""Wrapping figure labels at word boundaries, Chinese included.

Chinese has no spaces, and a label cut every N characters splits words (企事业/单位). A line may
end only where no known word is cut (:data:`WORDS`, the terms of this project's indicator
names), never inside a run of Latin letters or digits, never before closing punctuation or
after opening punctuation; among the places that fit, punctuation and spaces are preferred,
then the ends of known words.
"""

from __future__ import annotations

import unicodedata

#: Terms of the indicator names that a line break must not cut.
WORDS = tuple(
    """
    知识产权 企事业单位 高价值 发明专利 专利 商标 每万人口 拥有量 运营中心 技术合同
    成交额 登记额 质押融资 质押 融资 转让许可 推介路演 路演 活动 对接 转化 运用
    增加值 比重 企业 机构 高校 科研 院所 案件 纠纷 示范 城市 试点 保护 规范化
    市场 服务 公共 信息 国家级 市级 产业 密集型 产品 认证 贯标 调解 仲裁 途径
    处理 监管 部门 立案 查处 违法 检察 机关 批准 逮捕 犯罪 侵犯 公安 侦破 制售
    伪劣 有效 筛选 覆盖率 重点 授权 新增 优势 备案 次数 同比 增长 国际标准 实施
    工作站 指导 海外 应对 天开园 地理标志 证明 申报 销售收入 创造 高质量 核心
    技术 建设 任务 完成 境外 权利人 年末 服判息诉率 民事 一审 使用费 进出口 美元
    盘活 盘清 存量 园区 培训 成功 聚集区 服务业 保险 签订 考核 得分 检查 全国
    代理 双随机 一公开 代办处 受理 初审 申请 周期 平均 办理 提起公诉 移送 外地
    专项整治 非正常 嫌疑人 抓获 涉案 总金额 行政 司法确认 维权 援助 裁决 资源库
    可转化 列入 产业化 实现 发行 规模 证券化 注册 有效期 数量 总额 贷款 金额
    合同 窗口 业务 各类 品牌 工作 软件 著作权 版权 集群 联盟 中心 人才 人员
    专家 基地 平台 项目 区域 全市 本市 新区
    """.split()  # noqa: SIM905 - a word list reads best as words
)
OPENING = "（(“‘「《【"
CLOSING = "）)”’」》】、，。：；！？,.:;!?"
STRONG_AFTER = " ·、，,:：;；"


def ems(text: str) -> float:
    """Return a text's width in ems: a wide (CJK) character is one, any other half."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in text)


def _inside_word(text: str, i: int) -> bool:
    """Tell whether a break before ``text[i]`` would cut a known word."""
    for word in WORDS:
        start = text.find(word, max(0, i - len(word) + 1))
        while start != -1 and start < i:
            if start + len(word) > i:
                return True
            start = text.find(word, start + 1)
    return False


def _rank(text: str, i: int) -> int:
    """Return how good a break before ``text[i]`` is: 0 not allowed, 1 fair, 2 word end, 3 best."""
    before, after = text[i - 1], text[i]
    if after in CLOSING or before in OPENING or _inside_word(text, i):
        return 0
    if before.isascii() and after.isascii() and before.isalnum() and after.isalnum():
        return 0
    if before in STRONG_AFTER or after in OPENING or after == " ":
        return 3
    if any(text.endswith(word, 0, i) or text.startswith(word, i) for word in WORDS):
        return 2
    return 1


def wrap_label(text: str, width: float) -> str:
    """Wrap a label into lines of at most ``width`` ems, breaking only between words.

    Parameters
    ----------
    text : str
        The label (existing line breaks are kept).
    width : float
        Ems per line (a Chinese character is one em, a Latin letter about half).

    Returns
    -------
    str
        Lines joined by newlines. A line is longer than ``width`` only when it has no allowed
        break (a single long word).
    """
    return "\n".join(line for part in text.split("\n") for line in _wrap_line(part, width))


def _wrap_line(text: str, width: float) -> list[str]:
    text = text.strip()
    if ems(text) <= width:
        return [text]
    ranked = [(i, _rank(text, i)) for i in range(1, len(text))]
    fitting = [(i, r) for i, r in ranked if r and ems(text[:i].rstrip()) <= width]
    if not fitting:
        allowed = [i for i, r in ranked if r]
        if not allowed:
            return [text]
        cut = allowed[0]
    else:
        longest = max(i for i, _ in fitting)
        good = [i for i, r in fitting if r >= 2 and ems(text[:i]) >= 0.5 * ems(text[:longest])]
        cut = max(good) if good else longest
    return [text[:cut].rstrip(), *_wrap_line(text[cut:], width)]
