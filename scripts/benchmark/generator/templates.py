"""The generator's own sentence frames and word lists (written for this project, none copied
from a page): claim frames, own filler clauses with a spinnable word, titles, hosts, and the
word pairs of the noise kinds the five sources show (the pairs are the seeds' own labelled
likely readings: 货架/货车, 买家/卖家, 增长/下降 …)."""
from __future__ import annotations

# frames of a level: {p} period words (may be empty), {s} subject as written, {v} the value
LEVEL = ("{p}{s}{verb}{v}", "据公开数据,{p}{s}{verb}{v}", "根据财报,{p}{s}{verb}{v}")
LEVEL_VERBS = ("达到", "为", "达", "来到")
# a change: {b} basis word, {d} direction word
CHANGE = ("{p}{s}{b}{d}{v}", "据统计,{p}{s}{b}{d}{v}")
# a change followed by the level it reached (two claims, like the seeds' 环比下降32.5%达到9012万元)
CHANGE_LEVEL = "{p}{s}{b}{d}{v}{verb}{lv}"
BASIS_WORDS = {"yoy": "同比", "qoq": "环比", "unspecified": ""}
DIRECTION_WORDS = {"increase": "增长", "decrease": "下降"}
ANTONYM = {"增长": "下降", "下降": "增长"}
# machine-translated wording of a year-on-year growth (the seeds' 年对年(YOY)的增长是)
MT_YOY = "{p}{s}年对年(YOY)的增长是{v}"

SPEAKERS = {  # entity id -> title written before the name
    "xiao_gu": "快手电商负责人",
    "cheng_yixiao": "快手首席执行官",
    "su_hua": "快手联合创始人",
}
SPEECH = ("{t}{n}称,", "{t}{n}在会上透露,", "据{t}{n}介绍,")

# own filler clauses; (text, word a spinner replaces, what it becomes, noise type, basis)
SPINNABLE = (  # own sentences (v0.10.0); the replaced word is the only thing shared with the seeds' labels
    ("不少商家开始把货架场景当作直播之外的新阵地。", "货架", "货车", "synonym_substitution", "language"),
    ("平台强调要用长期主义的心态陪商家成长。", "长期主义", "常年主义", "synonym_substitution", "language"),
    ("商家可以为店铺开通退款不退货的服务承诺。", "退款不退货", "退货不退换", "synonym_substitution", "other_source"),
    ("如何拉高客单价,是许多直播间正在琢磨的问题。", "客单价", "客单量", "synonym_substitution", "language"),
    ("管理层在电话会上称,直播电商仍是公司增长最快的板块。", "增长", "下降", "antonym_substitution", "sentence_logic"),
    ("平台计划在下半年提升新商家的冷启动流量。", "提升", "降低", "antonym_substitution", "sentence_logic"),
    ("好评越多的店铺,获得的曝光量往往也越高。", "曝光量", "爆光量", "typo", "language"),
    ("平台把普惠当作流量分配的基本原则。", "普惠", "惠普", "typo", "language"),
    ("官方在规则说明里反复强调诚信经营。", "强调", "大调", "typo", "language"),
    ("商家已具备自建直播间的能力,下一步是做好售后。", "已具备", "以具备", "typo", "language"),
)
# own clauses naming an entity ({n}: its name as written)
ENTITY_CLAUSES = (
    "{n}也是快手电商生态中的重要一环。",
    "业内人士认为,{n}的动作值得持续关注。",
    "与此同时,{n}也在调整自身的经营策略。",
)
TITLES = (
    "{s}再升级:信任电商的下一步",
    "{s}观察:内容场与货架场协同发力",
    "{s}的增长逻辑与隐忧",
    "从直播到货架:{s}的新布局",
    "{s}新战略:重构人货场",
)
# SEO keywords stuffed into sentences, written for this project in the seeds' manner
SEO_KEYWORDS = ("快手电商运营技巧", "快手小店怎么开通", "直播带货入门教程", "快手涨粉秘籍", "电商运营快速起量")
# a repost's own page date, after the content was written; dotted, in the project's own wording (until v0.10.0 it
# was 发布时间:<年>年<月>月<日>日 <时>:<分>:<秒>, a test page's own line format: a repost on a test page's date shared a run)
REPOST_LINE = "转载时间 {d}"
REPOST_DATE = "%Y.%m.%d %H:%M"

# ---- the project's own body clauses (v0.10.0: no sentence of the five seed texts is re-used) --------
# written for this project; no number in them, so every number a document holds stays a claim's
CLAUSES = (
    "从行业整体看,直播带货的增速正在回落,平台之间的竞争转向存量用户。",
    "多位商家向记者反映,平台的流量分配规则在过去几个月里变化频繁。",
    "分析人士指出,内容与交易的结合仍是短视频平台最大的变现抓手。",
    "在最近的调整中,平台把更多资源投向了中小商家和产业带。",
    "对品牌方而言,自播团队的搭建成本依然是绕不开的门槛。",
    "业内普遍认为,售后体验将决定用户是否愿意在平台上反复下单。",
    "有券商研报认为,电商佣金率仍有上调的空间,但节奏会比较谨慎。",
    "与传统货架平台相比,短视频电商的用户决策链条更短。",
    "平台方面表示,将继续打击虚假宣传和刷单炒信等违规行为。",
    "部分头部主播的影响力有所下降,平台试图降低对个别达人的依赖。",
    "供应链能力被视为下一阶段竞争的关键,平台开始自建仓配体系。",
    "在下沉市场,熟人推荐式的购物习惯为直播电商提供了土壤。",
    "市场观察人士提醒,高速扩张背后的退货率问题同样值得关注。",
    "一些服务商开始提供代运营、投流和选品的整套方案。",
    "从用户结构看,年轻用户和下沉市场用户的占比都在上升。",
    "平台推出的新手扶持计划降低了商家入驻的门槛。",
    "商家普遍反映,付费流量的价格仍在上涨,利润空间受到挤压。",
    "直播间的内容形态也在变化,知识讲解类直播越来越常见。",
    "监管部门对直播营销的规范要求日益细化,平台的合规成本随之上升。",
    "对于平台而言,如何在商业化和用户体验之间取得平衡始终是难题。",
    "不少中小品牌借助短视频完成了冷启动,再逐步转向店铺经营。",
    "业内人士分析,商品卡和搜索入口的完善让用户有了主动找货的习惯。",
    "平台的物流时效和退换货速度正在向传统电商看齐。",
    "有观点认为,本地生活服务可能成为短视频平台新的增长点。",
    "品牌商家对平台的投入更加理性,开始关注投放的实际回报。",
    "从竞争格局看,几家平台的用户重叠度越来越高。",
    "部分商家尝试把直播切片重新分发,以延长单场直播的影响。",
    "在主播培训方面,平台与地方政府合作开设了培训课程。",
)
# clauses with one clause-comma, where a stuffed keyword can sit (seo_spam inside a sentence)
# own host page layouts (invented sites): (noise type, text) in page order; the first stands before
# the title, the middle ones between paragraphs, the rest after the body
HOSTS = {
    "host_forum": (
        ("seo_spam", "电商干货分享站 - 新手开店开店攻略"),
        ("page_furniture", "[配图]-电商干货分享站"),
        ("page_furniture", "顶一下\n收藏本帖\n回复楼主"),
        ("boilerplate", "本站部分内容来源于网络,如有侵权请联系管理员删除。"),
    ),
    "host_portal": (
        ("page_furniture", "首页 > 财经 > 互联网 > 正文"),
        ("advertisement", "扫码关注财经速递公众号,每日推送行业快讯"),
        ("boilerplate", "声明:本文观点仅代表作者本人,不构成任何投资建议。"),
        ("page_furniture", "上一篇\n下一篇\n相关阅读"),
    ),
    "host_blog": (
        ("seo_spam", "短视频带货教程|直播运营速成笔记"),
        ("page_furniture", "(配图来自网络)"),
        ("advertisement", "限时特惠:直播间搭建全套设备,咨询客服领优惠券"),
        ("boilerplate", "转载请保留原文链接,违者必究。\n觉得有用就点个赞吧\n写下你的评论"),
    ),
    "host_news": (
        ("page_furniture", "字号:大 中 小\n打印本页"),
        ("boilerplate", "责任编辑:小编\n版权所有,未经授权不得转载"),
    ),
}


# ---- v0.11.0: figures the reference facts do not hold, so a value cannot be memorised ----------------
# invented companies (written into a generated corpus's entities.yaml by generator/project.py): no fact is
# about them, so every figure of theirs is not_enough_info by construction
INVENTED_COMPANIES = {  # entity id -> (name, English name)
    "inv_xinghe": ("星河优选", "Xinghe Youxuan (invented)"),
    "inv_qinghe": ("青禾直播", "Qinghe Live (invented)"),
    "inv_yunzhan": ("云栈科技", "Yunzhan Technology (invented)"),
    "inv_mujin": ("木槿好物", "Mujin Haowu (invented)"),
    "inv_beichen": ("北辰电商", "Beichen E-commerce (invented)"),
    "inv_lanshan": ("蓝山严选", "Lanshan Yanxuan (invented)"),
}
# what an invented figure measures: (metric, scope words after the name, unit, scale of the value)
INVENTED_METRICS = (
    ("gmv", "GMV", "CNY", 1e8),
    ("revenue", "营收", "CNY", 1e8),
    ("user_count", "月活跃用户", "count", 1e4),
    ("sales", "销售额", "CNY", 1e4),
)
# a list of figures of one period: {p} period words, then the claims joined by LIST_JOINS
LIST_JOINS = (",", ";", ",同期")
# clauses an invented company is named in; {n}: its name
INVENTED_CLAUSES = (
    "{n}是这几年冒出来的直播电商服务商。",
    "有消息称,{n}正在与几家平台洽谈合作。",
)


def own_text() -> list[str]:
    """Every sentence and phrase of this module: the homophone garbler draws its characters from these."""
    out = [*CLAUSES, *ENTITY_CLAUSES, *TITLES, *SEO_KEYWORDS, *SPEECH, *LEVEL_VERBS, *INVENTED_CLAUSES]
    out += [t for t, *_ in SPINNABLE]
    out += [line for lines in HOSTS.values() for _, line in lines]
    return out
