// Bilingual labels (zh / en), the taxonomy's names and colours, and the chosen language.

export const TECHS = [
  "near_eye_display",
  "perception_interaction",
  "rendering_computation",
  "content_production",
];

// One colour per technology (colour-blind safe, Okabe–Ito); "_all" is the total of all matches.
export const COLORS = {
  near_eye_display: "#0072b2",
  perception_interaction: "#009e73",
  rendering_computation: "#d55e00",
  content_production: "#cc79a7",
  _all: "#6b7280",
};

const STRINGS = {
  en: {
    tagline: "VR patents and standards tracker",
    placeholder: "Search titles, abstracts, claims… e.g. pancake optics, 近眼显示",
    search: "Search",
    sortRelevance: "Most relevant",
    sortNewest: "Newest first",
    sortOldest: "Oldest first",
    relevantOnly: "VR-relevant only",
    yearFrom: "from",
    yearTo: "to",
    years: "Years",
    filters: "Filters",
    clearAll: "Clear all",
    remove: "Remove filter",
    chartTitle: "Filings per year by technology",
    saveSvg: "Save as SVG",
    savePng: "Save as PNG",
    pngFailed: "PNG export failed in this browser; save as SVG instead.",
    chartSource: "Source: vrscope",
    axisYear: "Year (patents: earliest priority; standards: publication)",
    axisYearBasis: (basis) => `Year (patents: ${basis.toLowerCase()}; standards: publication)`,
    axisDocuments: "Documents per year (count)",
    noChart: "No dated documents match.",
    year: "Year",
    documents: "Documents",
    patents: "Patents",
    standards: "Standards",
    indexed: "indexed",
    results: (n) => `${n.toLocaleString("en")} result${n === 1 ? "" : "s"}`,
    pageOf: (p, n) => `page ${p} of ${n}`,
    noResults: "Nothing matches. Try fewer words or fewer filters.",
    loading: "Loading…",
    prev: "‹ Previous",
    next: "Next ›",
    close: "Close",
    apiDocs: "API documentation",
    facet_techs: "Technology",
    facet_subtopics: "Sub-topic",
    facet_forms: "Product form",
    facet_jurisdiction: "Office / body",
    facet_doc_type: "Document type",
    labels: "Classification",
    relevant: "VR-relevant",
    notRelevant: "Not VR-relevant",
    general: "general",
    corrected: "corrected by",
    model: "Model",
    why: "Why (model evidence)",
    similarDocs: "Similar documents",
    similarDocsNote: "By text similarity (more like this), for a person to judge.",
    similarNone: "No similar documents found.",
    provenance: "Provenance",
    source: "Source",
    openSource: "Open at source",
    none: "none",
    yes: "yes",
    no: "no",
    correctTitle: "Correct the labels",
    correctHint: "Your correction wins over every model run and shows in search at once. Saving needs an API key with the write scope.",
    correctRelevant: "VR-relevant?",
    correctSubtopics: "Sub-topic ids (comma-separated; blank keeps the model's)",
    correctNote: "Note (why)",
    apiKey: "API key",
    keyNeeded: "reads need an API key here: enter one with the “API key” button at the top",
    apiKeyHint: "kept in this tab only (sessionStorage)",
    saveCorrection: "Save correction",
    removeCorrection: "Remove correction",
    correctionSaved: "Correction saved.",
    correctionRemoved: "Correction removed; the model's labels apply again.",
    keyNeeded: "Enter an API key with the write scope (vrscope apikey create NAME --scope write).",
    keyRejected: "The API key was refused:",
    all: "All matches",
    notFound: "Document not found.",
    views: "Views",
    viewSearch: "Search",
    viewTrends: "Trends",
    viewMatrix: "3×4 matrix",
    viewPlayers: "Players",
    viewTracker: "Standards",
    viewWatch: "Watch",
    viewEmerging: "Emerging topics",
    viewScoreboard: "Breakthroughs",
    viewGaps: "Gap analysis",
    trendsTitle: "Documents per year",
    matrixTitle: "Product forms × key technologies",
    matrixNote: (end) => `Documents; growth = last 3 years to ${end} against the 3 before. Click a count to search.`,
    playersTitle: "Top applicants",
    loadMore: "Load more",
    dimension: "By",
    dim_tech: "Technology",
    dim_subtopic: "Sub-topic",
    dim_form: "Product form",
    dim_jurisdiction: "Office / body",
    total: "Total",
    share: "Share",
    cagr: "CAGR",
    slope: "Slope, last 3 years (docs/yr)",
    scope: "Where",
    scope_world: "Worldwide",
    scope_cn: "Filed in China",
    scope_city: "Qingdao",
    method: "Method",
    rank: "#",
    applicant: "Applicant",
    district: "District",
    export: "Export",
    openInSearch: "Show these documents",
    dateBasis: "Date",
    basis_priority: "Priority date",
    basis_filing: "Filing date",
    basis_publication: "Publication date",
    familiesOnce: "Count each patent family once",
    cagrWindow: "CAGR from",
    cagrFrom: "CAGR window: first year",
    cagrTo: "CAGR window: last year",
    badYear: "a four-digit year",
    badWindow: "the first year must come before the last",
    undated: (n) => `${n} without this date, not counted`,
    applicantOpen: "Show this applicant",
    coApplicants: "Co-applicants",
    newestDocs: "Newest documents",
  },
  zh: {
    tagline: "虚拟现实专利与标准追踪",
    placeholder: "搜索标题、摘要、权利要求…… 例如 近眼显示、pancake optics",
    search: "搜索",
    sortRelevance: "相关度优先",
    sortNewest: "最新优先",
    sortOldest: "最早优先",
    relevantOnly: "仅 VR 相关",
    yearFrom: "从",
    yearTo: "至",
    years: "年份",
    filters: "筛选",
    clearAll: "全部清除",
    remove: "移除筛选",
    chartTitle: "各技术领域逐年申请量",
    saveSvg: "保存为 SVG",
    savePng: "保存为 PNG",
    pngFailed: "此浏览器无法导出 PNG，请保存为 SVG。",
    chartSource: "来源：vrscope",
    axisYear: "年份（专利按最早优先权日，标准按发布日）",
    axisYearBasis: (basis) => `年份（专利按${basis}，标准按发布日）`,
    axisDocuments: "每年文献数（件）",
    noChart: "没有带日期的匹配文献。",
    year: "年份",
    documents: "文献",
    patents: "专利",
    standards: "标准",
    indexed: "已索引",
    results: (n) => `共 ${n.toLocaleString("zh")} 条结果`,
    pageOf: (p, n) => `第 ${p} / ${n} 页`,
    noResults: "没有匹配结果，请减少关键词或筛选条件。",
    loading: "加载中……",
    prev: "‹ 上一页",
    next: "下一页 ›",
    close: "关闭",
    apiDocs: "API 文档",
    facet_techs: "关键技术",
    facet_subtopics: "子方向",
    facet_forms: "产品形态",
    facet_jurisdiction: "受理局 / 发布机构",
    facet_doc_type: "文献类型",
    labels: "分类",
    relevant: "VR 相关",
    notRelevant: "非 VR 相关",
    general: "通用",
    corrected: "人工修正：",
    model: "模型",
    why: "判定依据（模型证据）",
    similarDocs: "相似文献",
    similarDocsNote: "按文本相似度（more like this）列出，供人工判断。",
    similarNone: "未找到相似文献。",
    provenance: "来源记录",
    source: "来源",
    openSource: "查看原文",
    none: "无",
    yes: "是",
    no: "否",
    correctTitle: "人工修正分类",
    correctHint: "人工修正优先于任何模型结果，保存后立即在搜索中生效。保存需要具有写入权限的 API 密钥。",
    correctRelevant: "是否 VR 相关？",
    correctSubtopics: "细分方向编号（逗号分隔；留空则沿用模型结果）",
    correctNote: "备注（修正原因）",
    apiKey: "API 密钥",
    keyNeeded: "此处读取需要 API 密钥：请点击页面顶部的“API 密钥”按钮输入",
    apiKeyHint: "仅保存在当前标签页（sessionStorage）",
    saveCorrection: "保存修正",
    removeCorrection: "撤销修正",
    correctionSaved: "修正已保存。",
    correctionRemoved: "修正已撤销，重新采用模型分类。",
    keyNeeded: "请输入具有写入权限的 API 密钥（vrscope apikey create 名称 --scope write）。",
    keyRejected: "API 密钥被拒绝：",
    all: "全部匹配",
    notFound: "未找到该文献。",
    views: "视图",
    viewSearch: "检索",
    viewTrends: "趋势",
    viewMatrix: "3×4 矩阵",
    viewPlayers: "主要申请人",
    viewTracker: "标准追踪",
    viewWatch: "关注",
    viewEmerging: "新兴主题",
    viewScoreboard: "突破看板",
    viewGaps: "差距分析",
    trendsTitle: "逐年文献量",
    matrixTitle: "产品形态 × 关键技术",
    matrixNote: (end) => `文献数；增长率 = 截至 ${end} 年的近 3 年对比此前 3 年。点击数字查看文献。`,
    playersTitle: "主要申请人排名",
    loadMore: "加载更多",
    dimension: "维度",
    dim_tech: "关键技术",
    dim_subtopic: "子方向",
    dim_form: "产品形态",
    dim_jurisdiction: "受理局 / 发布机构",
    total: "合计",
    share: "占比",
    cagr: "年复合增长率",
    slope: "近 3 年斜率（件/年）",
    scope: "范围",
    scope_world: "全球",
    scope_cn: "中国申请",
    scope_city: "青岛",
    method: "统计方法",
    rank: "排名",
    applicant: "申请人",
    district: "区市",
    export: "导出",
    openInSearch: "查看这些文献",
    dateBasis: "日期",
    basis_priority: "优先权日",
    basis_filing: "申请日",
    basis_publication: "公开日",
    familiesOnce: "同族专利只计一次",
    cagrWindow: "复合增长率区间",
    cagrFrom: "复合增长率区间起始年",
    cagrTo: "复合增长率区间结束年",
    badYear: "请输入四位数年份",
    badWindow: "起始年须早于结束年",
    undated: (n) => `${n} 件无此日期，未计入`,
    applicantOpen: "查看该申请人",
    coApplicants: "共同申请人",
    newestDocs: "最新文献",
  },
};

const NAMES = {
  tech: {
    en: {
      near_eye_display: "Near-eye display",
      perception_interaction: "Perception & interaction",
      rendering_computation: "Rendering & computation",
      content_production: "Content production",
      _all: "All matches",
    },
    zh: {
      near_eye_display: "近眼显示",
      perception_interaction: "感知交互",
      rendering_computation: "渲染计算",
      content_production: "内容制作",
      _all: "全部匹配",
    },
  },
  form: {
    en: { vr: "VR", ar: "AR", mr: "MR" },
    zh: { vr: "虚拟现实 VR", ar: "增强现实 AR", mr: "混合现实 MR" },
  },
  doc_type: {
    en: { patent: "Patent", standard: "Standard" },
    zh: { patent: "专利", standard: "标准" },
  },
  status: {
    en: {
      plan: "Plan", preparatory: "Preparatory", committee_draft: "Committee draft",
      draft_for_comment: "Draft for comment", under_development: "Under development", approval: "Approval",
      published: "Published", to_be_implemented: "To be implemented", under_review: "Under review",
      withdrawn: "Withdrawn", replaced: "Replaced",
    },
    zh: {
      plan: "计划", preparatory: "预研", committee_draft: "委员会草案", draft_for_comment: "征求意见稿",
      under_development: "起草中", approval: "批准中", published: "现行", to_be_implemented: "即将实施",
      under_review: "复审中", withdrawn: "废止", replaced: "被代替",
    },
  },
  level: {
    en: { international: "International", national: "National", industry: "Industry", local: "Local",
          group: "Group" },
    zh: { international: "国际标准", national: "国家标准", industry: "行业标准", local: "地方标准",
          group: "团体标准" },
  },
};

const KEY = "vrscope.lang";

/** The language to start in: the one remembered, else the browser's. */
export function initialLang() {
  let saved = null;
  try {
    saved = localStorage.getItem(KEY);
  } catch {
    // storage disabled: fall back to the browser language
  }
  if (saved === "zh" || saved === "en") return saved;
  const browser = (navigator.languages && navigator.languages[0]) || navigator.language || "en";
  return browser.toLowerCase().startsWith("zh") ? "zh" : "en";
}

let current = "en";

/** Switch language and remember it. */
export function setLang(lang) {
  current = lang === "zh" ? "zh" : "en";
  try {
    localStorage.setItem(KEY, current);
  } catch {
    // storage disabled: the choice lasts for this page only
  }
  document.documentElement.lang = current === "zh" ? "zh-CN" : "en";
}

export function getLang() {
  return current;
}

/** A UI string; functions are called with the extra arguments. */
export function t(key, ...args) {
  const value = STRINGS[current][key] ?? STRINGS.en[key] ?? key;
  return typeof value === "function" ? value(...args) : value;
}

/** The display name of a vocabulary value (technology, doc type, status, level); other values as given. */
export function label(kind, value) {
  const names = NAMES[kind];
  return (names && (names[current][value] ?? names.en[value])) || String(value);
}

/** Add display names of one vocabulary (e.g. sub-topics from /api/v1/taxonomy): terms [{id, name_en, name_zh}]. */
export function addNames(kind, terms) {
  const names = (NAMES[kind] ||= { en: {}, zh: {} });
  for (const term of terms) {
    if (term.name_en) names.en[term.id] = term.name_en;
    if (term.name_zh) names.zh[term.id] = term.name_zh;
  }
}

/** Fill every element marked data-i18n / data-i18n-placeholder / data-i18n-title. */
export function translatePage(root = document) {
  for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll("[data-i18n-placeholder]")) {
    node.placeholder = t(node.dataset.i18nPlaceholder);
  }
  for (const node of root.querySelectorAll("[data-i18n-title]")) {
    node.title = t(node.dataset.i18nTitle);
    node.setAttribute("aria-label", node.title);
  }
}
