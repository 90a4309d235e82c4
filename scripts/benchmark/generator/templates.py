"""The generator's own sentence frames and word lists (written for this project, none copied
from a page): claim frames, own filler clauses with a spinnable word, titles, hosts, and the
word pairs of the noise kinds the five sources show (the pairs are the seeds' own labelled
likely readings: 货架/货车, 买家/卖家, 增长/下降 …)."""
from __future__ import annotations

# frames of a level: {p} period words (may be empty), {s} subject as written, {v} the value
LEVEL = ("{p}{s}{verb}{v}", "据公开数据,{p}{s}{verb}{v}", "财报显示,{p}{s}{verb}{v}")
LEVEL_VERBS = ("达到", "为", "达", "来到")
# a change: {b} basis word, {d} direction word
CHANGE = ("{p}{s}{b}{d}{v}", "数据显示,{p}{s}{b}{d}{v}")
# a change followed by the level it reached (two claims, like the seeds' 环比下降32.5%达到9012万元)
CHANGE_LEVEL = "{p}{s}{b}{d}{v}{verb}{lv}"
BASIS_WORDS = {"yoy": "同比", "qoq": "环比", "unspecified": ""}
DIRECTION_WORDS = {"increase": "增长", "decrease": "下降"}
ANTONYM = {"增长": "下降", "下降": "增长"}
# machine-translated wording of a year-on-year growth (the seeds' 年对年(YOY)的增长是)
MT_YOY = "{p}{s}年对年(YOY)的增长是{v}"

SPEAKERS = {  # entity id -> title written before the name
    "xiao_gu": "快手电商负责人",
    "cheng_yixiao": "快手创始人兼CEO",
    "su_hua": "快手联合创始人",
}
SPEECH = ("{t}{n}表示,", "{t}{n}在会上透露,", "据{t}{n}介绍,")

# own filler clauses; (text, word a spinner replaces, what it becomes, noise type, basis)
SPINNABLE = (
    ("快手电商正在加码货架电商,补齐确定性消费的场景。", "货架", "货车", "synonym_substitution", "language"),
    ("快手电商需要以长期主义思考平台的发展方向。", "长期主义", "常年主义", "synonym_substitution", "language"),
    ("平台向消费者提供退款不退货等售后保障。", "退款不退货", "退货不退换", "synonym_substitution", "other_source"),
    ("提升客单价是平台下一阶段的重点。", "客单价", "客单量", "synonym_substitution", "language"),
    ("电商业务已成为带动快手业绩增长的重要引擎。", "增长", "下降", "antonym_substitution", "sentence_logic"),
    ("平台将继续提升优质商家的流量扶持。", "提升", "降低", "antonym_substitution", "sentence_logic"),
    ("信任指数越高,店家的曝光量和经营权益就越多。", "曝光量", "爆光量", "typo", "language"),
    ("在普惠战略下,快手沉淀下了差异化的私域流量。", "普惠", "惠普", "typo", "language"),
    ("快手更加强调平台与服务商的协作。", "强调", "大调", "typo", "language"),
    ("目前在货和场都已具备的情况下,平台转向经营信任。", "已具备", "以具备", "typo", "language"),
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
REPOST_LINE = "发布时间:{d}"  # a repost's own page date, after the content was written
