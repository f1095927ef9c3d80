//! What a job posting asks for: its technologies (required, preferred or
//! only mentioned), its job category, the experience it wants and its
//! language. Pure text work over the shared dictionary, so the GitHub
//! import and the market speak of the same technologies.
//!
//! ```
//! use taxonomy::{JobCategory, Level, Requirement, Taxonomy};
//! let tax = Taxonomy::builtin();
//! let x = tax.extract_posting(
//!     "백엔드 개발자 (Kotlin/Spring)",
//!     "자격요건\n- 경력 3년 이상\n- 코틀린과 스프링부트로 API를 개발해 본 분\n우대사항\n- 쿠버네티스와 k8s 운영 경험",
//! );
//! assert_eq!(x.category, JobCategory::Backend);
//! assert_eq!(x.experience.min_years, Some(3));
//! assert_eq!(x.experience.level, Level::Mid);
//! let k8s = x.technologies.iter().find(|m| m.tech_id == "kubernetes").unwrap();
//! assert_eq!((k8s.requirement, k8s.count), (Requirement::Preferred, 2));
//! ```
//!
//! ## Rules, in short
//!
//! * **Matching** — one Aho–Corasick automaton over every name and alias
//!   (445 technologies), on case-folded text with URLs and e-mail addresses
//!   blanked. A name counts as a whole word: no Latin letter or digit on
//!   either side (a glued version is fine: `python3`), a Hangul name not
//!   glued to a longer Hangul word unless what follows is a particle or a
//!   short noun (`쿠버네티스와`, `리액트를`, `스프링부트 기반`, but not
//!   `스프링클러`). Han text needs no spaces (`熟悉Go和Rust`).
//! * **Ordinary words** — names that are also words are *guarded* in
//!   `data/technologies.toml` ([`crate::Guard`]): "Go", "Rust", "Spring",
//!   "Swift" count when capitalised mid-sentence, listed beside another
//!   technology, beside Hangul/Han text, or followed by a cue ("developer",
//!   "language", a version); "C" and "R" only capitalised and listed beside
//!   another technology or as "C language"/"C언어"/"R语言". Stop phrases
//!   veto a guarded name: "go-to-market", "rust-colored", "Spring 2026",
//!   "C-level", "R&D", "C端", "Series C".
//! * **Required or preferred** — by section headings (자격요건/필수,
//!   우대사항/우대, Requirements, Nice to have, Bonus, 任职要求, 加分项) and
//!   by cues in the line itself ("… 우대", "a plus", "优先"). A technology
//!   named in several places takes the strongest: required, then
//!   preferred, then mentioned (duties, stack, introduction).
//! * **Experience levels** — `Entry` (신입, new grad, 应届, 0 years),
//!   `Junior` (1–2 years or "junior"), `Mid` (3–6 years), `Senior` (7+
//!   years, or "senior/lead/staff/principal/시니어/高级/资深" in the title,
//!   which wins over the years), `Any` (경력무관, 신입/경력, 经验不限), else
//!   `Unspecified`.

use crate::text::{is_latin_word, Hit, Normalized};
use crate::{Category, Taxonomy, Technology};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};
use serde::{Deserialize, Serialize};

/// How strongly a posting asks for a technology.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Requirement {
    /// Named in the introduction, the duties or the stack, not as a demand.
    Mentioned,
    /// Under 우대사항 / Nice to have / 加分项, or with "우대", "a plus".
    Preferred,
    /// Under 자격요건 / Requirements / 任职要求, or with "필수", "must".
    Required,
}

/// One technology a posting names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    pub tech_id: String,
    /// The strongest way the posting asks for it.
    pub requirement: Requirement,
    /// How often it is named (title and body).
    pub count: u32,
}

/// The kind of job (not of technology).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobCategory {
    Backend,
    Frontend,
    #[serde(rename = "fullstack")]
    FullStack,
    Mobile,
    /// Data engineering (pipelines, warehouses, platforms).
    #[serde(rename = "data")]
    DataEngineering,
    /// Machine learning, AI, data science.
    #[serde(rename = "ml")]
    MlAi,
    /// DevOps, SRE, infrastructure, platform.
    #[serde(rename = "devops")]
    DevOps,
    Security,
    Embedded,
    Game,
    Qa,
    Other,
}

impl JobCategory {
    pub const ALL: [JobCategory; 12] = [
        JobCategory::Backend,
        JobCategory::Frontend,
        JobCategory::FullStack,
        JobCategory::Mobile,
        JobCategory::DataEngineering,
        JobCategory::MlAi,
        JobCategory::DevOps,
        JobCategory::Security,
        JobCategory::Embedded,
        JobCategory::Game,
        JobCategory::Qa,
        JobCategory::Other,
    ];

    /// The stable code, as in the labelled set, the dictionary's `job`
    /// field and serde: `backend`, `fullstack`, `data`, `ml`, `devops`, …
    pub fn code(self) -> &'static str {
        match self {
            JobCategory::Backend => "backend",
            JobCategory::Frontend => "frontend",
            JobCategory::FullStack => "fullstack",
            JobCategory::Mobile => "mobile",
            JobCategory::DataEngineering => "data",
            JobCategory::MlAi => "ml",
            JobCategory::DevOps => "devops",
            JobCategory::Security => "security",
            JobCategory::Embedded => "embedded",
            JobCategory::Game => "game",
            JobCategory::Qa => "qa",
            JobCategory::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// Seniority, from years and words; see the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Entry,
    Junior,
    Mid,
    Senior,
    Any,
    Unspecified,
}

impl Level {
    pub fn code(self) -> &'static str {
        match self {
            Level::Entry => "entry",
            Level::Junior => "junior",
            Level::Mid => "mid",
            Level::Senior => "senior",
            Level::Any => "any",
            Level::Unspecified => "unspecified",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Level::Entry, Level::Junior, Level::Mid, Level::Senior, Level::Any, Level::Unspecified]
            .into_iter()
            .find(|l| l.code() == code)
    }

    /// The level that a minimum number of years means.
    pub fn from_years(min: u8) -> Self {
        match min {
            0 => Level::Entry,
            1..=2 => Level::Junior,
            3..=6 => Level::Mid,
            _ => Level::Senior,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Experience {
    pub min_years: Option<u8>,
    pub max_years: Option<u8>,
    pub level: Level,
}

/// The language a text is written in, by the share of its script.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Ko,
    En,
    Zh,
    Ja,
    Other,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ko => "ko",
            Lang::En => "en",
            Lang::Zh => "zh",
            Lang::Ja => "ja",
            Lang::Other => "other",
        }
    }
}

/// Everything [`Taxonomy::extract_posting`] finds in a posting.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Extraction {
    /// In order of first mention.
    pub technologies: Vec<Mention>,
    pub category: JobCategory,
    /// Every category with a score above zero, best first; scores sum to 1.
    pub category_scores: Vec<(JobCategory, f32)>,
    pub experience: Experience,
    pub language: Lang,
}

impl Extraction {
    pub fn get(&self, tech_id: &str) -> Option<&Mention> {
        self.technologies.iter().find(|m| m.tech_id == tech_id)
    }
}

impl Taxonomy {
    /// Reads a job posting: which technologies it names and how strongly it
    /// asks for each, its job category, the experience it wants and its
    /// language. `title` may be empty. Matching a 5 KB posting takes well
    /// under a millisecond (the automaton is built in [`Taxonomy::builtin`]).
    pub fn extract_posting(&self, title: &str, body: &str) -> Extraction {
        self.extract_normalized(&Normalized::new(title), &Normalized::new(body))
    }

    /// [`Taxonomy::extract_posting`], and the title and body on two lines
    /// as [`crate::market::Folded`] reads them, normalised once for both
    /// (normalising works character by character, and no address spans a
    /// line break).
    pub fn extract_posting_and_fold(&self, title: &str, body: &str) -> (Extraction, crate::market::Folded) {
        let (title_n, body_n) = (Normalized::new(title), Normalized::new(body));
        let x = self.extract_normalized(&title_n, &body_n);
        let mut text = String::with_capacity(title_n.text.len() + 1 + body_n.text.len());
        text.push_str(&title_n.text);
        text.push('\n');
        text.push_str(&body_n.text);
        (x, crate::market::Folded::of_normalized(text))
    }

    fn extract_normalized(&self, title_n: &Normalized, body_n: &Normalized) -> Extraction {
        let (title, body) = (title_n.original, body_n.original);
        let title_hits = self.matcher.find(title_n);
        let body_hits = self.matcher.find(body_n);
        let lines = self.rules.sections(&body_n.text);

        let mut technologies: Vec<Mention> = Vec::new();
        let mut add = |t: &Technology, req: Requirement| match technologies.iter_mut().find(|m| m.tech_id == t.id) {
            Some(m) => {
                m.count += 1;
                m.requirement = m.requirement.max(req);
            }
            None => technologies.push(Mention { tech_id: t.id.clone(), requirement: req, count: 1 }),
        };
        for h in &title_hits {
            add(&self.techs[h.tech], Requirement::Mentioned);
        }
        for h in &body_hits {
            add(&self.techs[h.tech], requirement_at(&self.rules, &lines, &body_n.text, h));
        }
        // A title names the job's core technology: in a posting with
        // requirement sections it is required.
        let has_sections = lines.iter().any(|l| l.section == Section::Required);
        if has_sections {
            for h in &title_hits {
                let id = &self.techs[h.tech].id;
                if let Some(m) = technologies.iter_mut().find(|m| &m.tech_id == id) {
                    m.requirement = Requirement::Required;
                }
            }
        }

        let category_scores = self.category_scores(&title_n.text, &body_n.text, &technologies);
        let category = category_scores.first().map_or(JobCategory::Other, |c| c.0);
        let experience = experience(&self.rules, &title_n.text, &body_n.text, &lines);
        let language = crate::market::detect_language_of(&[title, body]);
        Extraction { technologies, category, category_scores, experience, language }
    }

    fn category_scores(&self, title: &str, body: &str, mentions: &[Mention]) -> Vec<(JobCategory, f32)> {
        let mut score = [0f32; 12];
        let idx = |c: JobCategory| JobCategory::ALL.iter().position(|&x| x == c).expect("listed");
        // Title words weigh most; the first named wins ties
        // ("Data Engineer (Backend)").
        let mut title_hits: Vec<(usize, JobCategory)> = Vec::new();
        for (pos, cat) in self.rules.categories_in(title) {
            if !title_hits.iter().any(|&(_, c)| c == cat) {
                title_hits.push((pos, cat));
            }
        }
        // The specialised role outranks its modifier: "Mobile QA Engineer"
        // is QA, "ML Platform Engineer" ML, "Data Engineer (Backend)" data;
        // within a tier the first named wins.
        title_hits.sort_by_key(|&(pos, cat)| (title_tier(cat), pos));
        for (rank, (_, cat)) in title_hits.iter().enumerate() {
            score[idx(*cat)] += if rank == 0 { 12.0 } else { 7.0 };
        }
        let mut body_counts = [0f32; 12];
        for (pos, cat) in self.rules.categories_in(body) {
            // "数据结构和算法" (data structures and algorithms) is in most
            // Chinese postings; "算法" names ML work only in a title.
            if !body[pos..].starts_with("算法") {
                body_counts[idx(cat)] += 1.0;
            }
        }
        for (s, n) in score.iter_mut().zip(body_counts) {
            *s += n.min(4.0) * 0.8;
        }
        for m in mentions {
            let Some(t) = self.get(&m.tech_id) else { continue };
            let w = match m.requirement {
                Requirement::Required => 1.0,
                Requirement::Preferred => 0.5,
                Requirement::Mentioned => 0.7,
            };
            for (cat, share) in job_leaning(t) {
                score[idx(cat)] += w * share;
            }
        }
        // Full-stack when asked in words, or when the front and the back
        // are both strong and nothing else is.
        let (fe, be) = (score[idx(JobCategory::Frontend)], score[idx(JobCategory::Backend)]);
        if title_hits.is_empty() && fe >= 1.0 && be >= 1.0 && fe.min(be) / fe.max(be) >= 0.55 {
            score[idx(JobCategory::FullStack)] += fe.max(be) + 0.5;
        }
        score[idx(JobCategory::Other)] += 0.6;
        let total: f32 = score.iter().sum();
        let mut out: Vec<(JobCategory, f32)> =
            JobCategory::ALL.into_iter().zip(score).filter(|&(_, s)| s > 0.0).map(|(c, s)| (c, s / total)).collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1));
        out
    }
}

fn title_tier(cat: JobCategory) -> u8 {
    use JobCategory::*;
    match cat {
        Other | Qa | Security | Game | Embedded | MlAi | DataEngineering => 0,
        DevOps => 1,
        Mobile | FullStack | Frontend | Backend => 2,
    }
}

/// Which job categories a technology points to, with weights.
fn job_leaning(t: &Technology) -> Vec<(JobCategory, f32)> {
    use JobCategory::*;
    if let Some(j) = t.job {
        return vec![(j, 1.0)];
    }
    match t.id.as_str() {
        "swift" | "objective-c" | "kotlin" | "dart" => return vec![(Mobile, if t.id == "kotlin" { 0.5 } else { 1.0 })],
        "c" | "assembly" => return vec![(Embedded, 1.0)],
        "cpp" => return vec![(Embedded, 0.4), (Game, 0.3)],
        "csharp" => return vec![(Backend, 0.4), (Game, 0.4)],
        "javascript" | "typescript" => return vec![(Frontend, 0.6), (Backend, 0.3)],
        "python" | "sql" => return vec![],
        "java" | "go" | "rust" | "scala" | "php" | "ruby" | "elixir" | "erlang" | "clojure" | "haskell" => {
            return vec![(Backend, 0.8)]
        }
        "spark" | "kafka" => return vec![(DataEngineering, 0.8), (Backend, 0.3)],
        "pandas" => return vec![(DataEngineering, 0.3), (MlAi, 0.5)],
        _ => {}
    }
    match t.category {
        Category::Frontend => vec![(Frontend, 1.0)],
        Category::Backend => vec![(Backend, 1.0)],
        Category::Mobile => vec![(Mobile, 1.0)],
        Category::Data => vec![(DataEngineering, 1.0)],
        Category::Ml => vec![(MlAi, 1.0)],
        Category::Database => vec![(Backend, 0.5), (DataEngineering, 0.2)],
        Category::Infra => vec![(DevOps, 0.8)],
        Category::Cloud => vec![(DevOps, 0.5)],
        Category::Testing => vec![(Qa, 0.3)],
        Category::Language | Category::Tooling => vec![],
    }
}

/// Words that name a job category, in titles and bodies (folded).
const CATEGORY_WORDS: &[(JobCategory, &[&str])] = &[
    (JobCategory::FullStack, &["full stack", "full-stack", "fullstack", "풀스택", "풀 스택", "全栈"]),
    (
        JobCategory::Frontend,
        &[
            "frontend",
            "front-end",
            "front end",
            "프론트엔드",
            "프런트엔드",
            "프론트 엔드",
            "前端",
            "移动端 web",
            "移动端web",
            "mobile web",
            "h5开发",
            "h5 开发",
            "웹 퍼블리셔",
            "퍼블리셔",
            "ui engineer",
            "ui developer",
            "web developer",
            "웹 개발자",
        ],
    ),
    (
        JobCategory::Backend,
        &[
            "backend",
            "back-end",
            "back end",
            "백엔드",
            "서버 개발",
            "서버개발",
            "server engineer",
            "server developer",
            "后端",
            "服务端",
            "api developer",
            "api engineer",
            "백앤드",
        ],
    ),
    (
        JobCategory::Mobile,
        &[
            "mobile",
            "ios",
            "android",
            "모바일",
            "안드로이드",
            "앱 개발",
            "앱개발",
            "flutter",
            "react native",
            "移动端",
            "安卓",
            "ios开发",
            "app开发",
            "客户端开发",
            "鸿蒙",
        ],
    ),
    (
        JobCategory::DataEngineering,
        &[
            "data engineer",
            "data engineering",
            "데이터 엔지니어",
            "데이터엔지니어",
            "데이터 플랫폼",
            "데이터 파이프라인",
            "数据开发",
            "大数据",
            "数仓",
            "数据仓库",
            "数据工程",
            "etl",
            "data platform",
            "analytics engineer",
            "data warehouse",
            "데이터 웨어하우스",
        ],
    ),
    (
        JobCategory::MlAi,
        &[
            "machine learning",
            "ml engineer",
            "mlops",
            "ml",
            "ai",
            "llm",
            "머신러닝",
            "딥러닝",
            "인공지능",
            "ai 엔지니어",
            "算法",
            "机器学习",
            "深度学习",
            "大模型",
            "人工智能",
            "nlp",
            "computer vision",
            "data scientist",
            "데이터 사이언티스트",
            "research scientist",
            "추천 시스템",
            "推荐系统",
            "자연어",
            "컴퓨터 비전",
            "vision engineer",
            "deep learning",
            "ai engineer",
            "aigc",
        ],
    ),
    (
        JobCategory::DevOps,
        &[
            "devops",
            "dev ops",
            "sre",
            "site reliability",
            "infrastructure engineer",
            "infra engineer",
            "platform engineer",
            "cloud engineer",
            "인프라",
            "데브옵스",
            "클라우드 엔지니어",
            "运维",
            "基础架构",
            "系统工程师",
            "sre工程师",
            "platform engineering",
            "容器平台",
            "云原生",
            "reliability engineer",
        ],
    ),
    (
        JobCategory::Security,
        &["security", "보안", "安全", "pentest", "penetration", "appsec", "모의해킹", "침해사고", "취약점", "渗透"],
    ),
    (
        JobCategory::Embedded,
        &[
            "embedded",
            "firmware",
            "임베디드",
            "펌웨어",
            "嵌入式",
            "驱动开发",
            "固件",
            "bsp",
            "rtos",
            "하드웨어 제어",
            "mcu",
        ],
    ),
    (JobCategory::Game, &["game", "games", "게임", "游戏", "gameplay", "게임 클라이언트", "게임서버"]),
    (
        JobCategory::Qa,
        &[
            "qa",
            "quality assurance",
            "test engineer",
            "test automation",
            "sdet",
            "테스트 엔지니어",
            "품질",
            "测试",
            "qa engineer",
            "검증 엔지니어",
            "테스트 자동화",
        ],
    ),
    (
        JobCategory::Other,
        &[
            "product manager",
            "project manager",
            "designer",
            "디자이너",
            "기획자",
            "서비스 기획",
            "marketing",
            "마케팅",
            "sales",
            "영업",
            "产品经理",
            "设计师",
            "运营",
            "recruiter",
            "인사",
            "account manager",
            "technical writer",
            "사업개발",
        ],
    ),
];

/// The automata for the posting's own words (job categories, section
/// headings, requirement cues), built once with the dictionary.
pub(crate) struct Rules {
    categories: AhoCorasick,
    category_of: Vec<JobCategory>,
    headings: AhoCorasick,
    section_of: Vec<Section>,
    cues: AhoCorasick,
    cue_of: Vec<Requirement>,
}

fn automaton<S: AsRef<str>>(words: &[S]) -> AhoCorasick {
    AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .start_kind(StartKind::Both)
        .kind(Some(AhoCorasickKind::DFA))
        .build(words.iter().map(|w| w.as_ref()))
        .expect("the posting words build an automaton")
}

/// Whether the match `[s, e)` of an ASCII word stands alone (not inside a
/// longer Latin word); Hangul and Han words need no spaces.
fn alone(text: &str, s: usize, e: usize) -> bool {
    !text[s..e].starts_with(|c: char| c.is_ascii_alphanumeric())
        || (!text[..s].chars().next_back().is_some_and(is_latin_word)
            && !text[e..].chars().next().is_some_and(is_latin_word))
}

impl Rules {
    pub fn new() -> Self {
        let (cat_words, category_of): (Vec<&str>, Vec<JobCategory>) =
            CATEGORY_WORDS.iter().flat_map(|(c, ws)| ws.iter().map(move |w| (*w, *c))).unzip();
        let (head_words, section_of): (Vec<&str>, Vec<Section>) =
            HEADINGS.iter().flat_map(|(sec, ws)| ws.iter().map(move |w| (*w, *sec))).unzip();
        let (cue_words, cue_of): (Vec<&str>, Vec<Requirement>) = PREFERRED_CUES
            .iter()
            .map(|w| (*w, Requirement::Preferred))
            .chain(REQUIRED_CUES.iter().map(|w| (*w, Requirement::Required)))
            .unzip();
        Rules {
            categories: automaton(&cat_words),
            category_of,
            headings: automaton(&head_words),
            section_of,
            cues: automaton(&cue_words),
            cue_of,
        }
    }

    /// (position, category) of every category word standing as a word.
    fn categories_in(&self, text: &str) -> Vec<(usize, JobCategory)> {
        self.categories
            .find_iter(text)
            .filter(|m| alone(text, m.start(), m.end()))
            .map(|m| (m.start(), self.category_of[m.pattern().as_usize()]))
            .collect()
    }

    /// The heading a line is, if it is one: a short line that starts with a
    /// heading word, or a heading word followed by a colon ("자격요건: …").
    fn heading(&self, line: &str) -> Option<Section> {
        // Bullets, numbers, emoji and markdown before the words.
        let t = line.trim_start_matches(|c: char| !c.is_alphanumeric() || c.is_ascii_digit()).trim_end();
        let short = t.chars().count() <= 30;
        if let Some(m) = self.headings.find(Input::new(t).anchored(Anchored::Yes)) {
            let w = &t[..m.end()];
            let rest = &t[m.end()..];
            if !(w.is_ascii() && rest.chars().next().is_some_and(is_latin_word)) {
                let rest_trim = rest.trim_start_matches(|c: char| !c.is_alphanumeric() && c != ':' && c != '：');
                let colon = rest_trim.starts_with([':', '：']);
                // "you have" must open a short heading, not a sentence.
                let end_ok = rest_trim.chars().all(|c| !c.is_alphanumeric()) || colon;
                if (short && (end_ok || rest_trim.chars().count() <= 12)) || colon {
                    return Some(self.section_of[m.pattern().as_usize()]);
                }
            }
        }
        // A short line ending in a colon or a heading word: "知识&技能要求：",
        // "岗位基本要求", "Bonus if you have:", "具备以下条件者优先：".
        let bare = t.trim_end_matches(|c: char| !c.is_alphanumeric());
        if !short || bare.is_empty() {
            return None;
        }
        let colon = t.ends_with([':', '：']);
        const REQUIRED_ENDS: [&str; 6] = ["要求", "资格", "条件", "requirements", "qualifications", "요건"];
        const DUTIES_ENDS: [&str; 5] = ["职责", "工作内容", "描述", "responsibilities", "업무"];
        if REQUIRED_ENDS.iter().any(|w| bare.ends_with(w)) && (colon || bare.chars().count() <= 10) {
            // "优先条件" ends in 条件 but prefers.
            return Some(if self.cue(bare) == Some(Requirement::Preferred) {
                Section::Preferred
            } else {
                Section::Required
            });
        }
        if DUTIES_ENDS.iter().any(|w| bare.ends_with(w)) && (colon || bare.chars().count() <= 10) {
            return Some(Section::Duties);
        }
        if colon {
            return match self.cue(t) {
                Some(Requirement::Preferred) => Some(Section::Preferred),
                Some(Requirement::Required) => Some(Section::Required),
                _ => None,
            };
        }
        None
    }

    /// A cue in a line or sentence: preferred ("우대", "a plus", "优先") wins
    /// over required ("필수", "must", "必须").
    fn cue(&self, line: &str) -> Option<Requirement> {
        let mut found = None;
        for m in self.cues.find_iter(line) {
            match self.cue_of[m.pattern().as_usize()] {
                Requirement::Preferred => return Some(Requirement::Preferred),
                r if alone(line, m.start(), m.end()) => found = Some(r),
                _ => {}
            }
        }
        found
    }

    /// The lines of a (normalised) body with the section each is under.
    pub(crate) fn sections(&self, text: &str) -> Vec<Line> {
        let mut out = Vec::new();
        let mut section = Section::None;
        let mut start = 0;
        for raw in text.split_inclusive('\n') {
            let end = start + raw.len();
            let line = raw.trim_end_matches('\n');
            if let Some(s) = self.heading(line) {
                section = s;
            }
            out.push(Line { start, end, section, cue: self.cue(line) });
            start = end;
        }
        out
    }
}

/// Byte position of `w` in `text` as a whole word (Latin words need
/// non-letters around them; Hangul/Han words are found anywhere).
fn find_word(text: &str, w: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find(w) {
        let s = from + i;
        let e = s + w.len();
        let latin = w.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
        let ok = !latin
            || (!text[..s].chars().next_back().is_some_and(is_latin_word)
                && !text[e..].chars().next().is_some_and(is_latin_word));
        if ok {
            return Some(s);
        }
        from = e;
    }
    None
}

// ---------------------------------------------------------------- sections

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Section {
    None,
    Required,
    Preferred,
    Duties,
    Stack,
    Benefits,
    Other,
}

/// Heading words, longest first within each kind; checked preferred before
/// required so "Preferred qualifications" is not "qualifications".
const HEADINGS: &[(Section, &[&str])] = &[
    (
        Section::Preferred,
        &[
            "우대사항",
            "우대 사항",
            "우대조건",
            "우대 조건",
            "우대요건",
            "우대 요건",
            "우대합니다",
            "이런 분이면 더 좋아요",
            "이런 분이면 더 좋습니다",
            "이런 경험이 있다면 더 좋아요",
            "이런 분이라면 더 좋아요",
            "가산점",
            "우대",
            "preferred qualifications",
            "preferred skills",
            "preferred experience",
            "nice to have",
            "nice-to-have",
            "nice to haves",
            "you might have",
            "you may have",
            "bonus points",
            "bonus",
            "preferred",
            "pluses",
            "good to have",
            "extra credit",
            "it would be great if",
            "even better if",
            "plus if you",
            "加分项",
            "加分",
            "优先条件",
            "优先考虑",
            "加分条件",
            "优先",
        ],
    ),
    (
        Section::Required,
        &[
            "자격요건",
            "자격 요건",
            "지원자격",
            "지원 자격",
            "필수요건",
            "필수 요건",
            "필수사항",
            "필수 사항",
            "필요 역량",
            "필요역량",
            "자격 조건",
            "자격조건",
            "요구사항",
            "요구 사항",
            "요구 역량",
            "요구역량",
            "필수 역량",
            "필수역량",
            "자격사항",
            "이런 분을 찾고 있어요",
            "이런 분을 찾습니다",
            "이런 분을 찾아요",
            "이런 분을 모십니다",
            "你需要具备",
            "이런 분과 함께하고 싶어요",
            "이런 분을 원해요",
            "필수",
            "minimum qualifications",
            "basic qualifications",
            "required qualifications",
            "required skills",
            "requirements",
            "qualifications",
            "requirement",
            "must have",
            "must-have",
            "must haves",
            "what you'll need",
            "what you need",
            "what we're looking for",
            "what we are looking for",
            "who you are",
            "you have",
            "you'll have",
            "about you",
            "skills",
            "任职要求",
            "岗位要求",
            "任职资格",
            "职位要求",
            "技能要求",
            "我们希望你",
            "硬性要求",
            "要求",
        ],
    ),
    (
        Section::Duties,
        &[
            "주요업무",
            "주요 업무",
            "담당업무",
            "담당 업무",
            "업무 내용",
            "업무내용",
            "이런 일을 해요",
            "합류하시면 함께 할 업무",
            "합류하면 하게 될 일",
            "하는 일",
            "responsibilities",
            "what you'll do",
            "what you will do",
            "the role",
            "your role",
            "about the role",
            "the job",
            "duties",
            "day to day",
            "what you will work on",
            "你会做什么",
            "岗位职责",
            "工作职责",
            "职位描述",
            "工作内容",
            "职责",
            "岗位描述",
        ],
    ),
    (
        Section::Stack,
        &[
            "기술스택",
            "기술 스택",
            "사용 기술",
            "개발 환경",
            "개발환경",
            "tech stack",
            "our stack",
            "technology stack",
            "技术栈",
            "技术栈：",
        ],
    ),
    (
        Section::Benefits,
        &[
            "복지",
            "혜택",
            "복리후생",
            "benefits",
            "perks",
            "福利",
            "待遇",
            "薪资福利",
            "근무 조건",
            "근무조건",
            "compensation",
        ],
    ),
    (
        Section::Other,
        &[
            "회사 소개",
            "회사소개",
            "채용 절차",
            "채용절차",
            "전형 절차",
            "전형절차",
            "about us",
            "hiring process",
            "interview process",
            "公司介绍",
            "公司简介",
            "联系方式",
            "투자",
            "how to apply",
            "지원 방법",
            "접수 방법",
        ],
    ),
];

pub(crate) struct Line {
    pub start: usize,
    pub end: usize,
    pub section: Section,
    /// A cue inside the line itself overrides the section.
    pub cue: Option<Requirement>,
}

const PREFERRED_CUES: &[&str] = &[
    "우대",
    "가산점",
    "있으면 좋",
    "있다면 좋",
    "있으시면 좋",
    "경험이 있으면",
    "플러스",
    "a plus",
    "nice to have",
    "nice-to-have",
    "bonus",
    "preferred",
    "good to have",
    "ideally",
    "would be great",
    "advantage",
    "advantageous",
    "desirable",
    "优先",
    "加分",
    "更佳",
];
const REQUIRED_CUES: &[&str] =
    &["필수", "must have", "must be", "you must", "required", "requirement", "必须", "必备", "要求"];

fn requirement_at(rules: &Rules, lines: &[Line], text: &str, h: &Hit) -> Requirement {
    let Some(line) = lines.get(lines.partition_point(|l| l.end <= h.start)) else {
        return Requirement::Mentioned;
    };
    // Within a line, a cue counts for its own sentence only:
    // "Java 필수, Kotlin 우대" / "Go required; Rust is a plus".
    let l = &text[line.start..line.end];
    let rel = h.start - line.start;
    const ENDS: [char; 7] = [';', '.', '。', '；', '!', '?', '，'];
    let sent_start = l[..rel].char_indices().rev().find(|(_, c)| ENDS.contains(c)).map_or(0, |(i, c)| i + c.len_utf8());
    let sent_end = l[rel..].find([';', '。', '；', '!', '?', '，', '\n']).map_or(l.len(), |i| rel + i);
    // A sentence holds a cue only if its line does (checked once per line).
    let sentence_cue = line.cue.and_then(|_| rules.cue(&l[sent_start..sent_end]));
    let by_section = match line.section {
        Section::Required => Some(Requirement::Required),
        Section::Preferred => Some(Requirement::Preferred),
        _ => None,
    };
    match (by_section, sentence_cue) {
        (_, Some(Requirement::Preferred)) => Requirement::Preferred,
        (Some(s), _) => s,
        (None, Some(Requirement::Required)) => Requirement::Required,
        _ => Requirement::Mentioned,
    }
}

// -------------------------------------------------------------- experience

fn chinese_number(c: char) -> Option<u8> {
    Some(match c {
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        '十' => 10,
        _ => return None,
    })
}

/// A number at the start of `s` (digits, or one Chinese numeral, or Korean
/// native words for 1–10) and the bytes it takes.
fn number_at(s: &str) -> Option<(u32, usize)> {
    let digits = s.bytes().position(|b| !b.is_ascii_digit()).unwrap_or(s.len());
    if digits > 0 {
        return s[..digits].parse().ok().map(|n| (n, digits));
    }
    let c = s.chars().next()?;
    if let Some(n) = chinese_number(c) {
        // 十 followed by a digit ("十五") is rare in postings; take 十 = 10.
        return Some((n as u32, c.len_utf8()));
    }
    None
}

struct YearsPhrase {
    pos: usize,
    min: u8,
    max: Option<u8>,
}

/// "3+ years", "3-5 years", "at least 5 years", "경력 3년 이상", "5년차",
/// "3~5년", "3年以上", "三年以上", "1-3年经验".
fn years_phrases(text: &str) -> Vec<YearsPhrase> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        if !text.is_char_boundary(i) {
            i += 1;
            continue;
        }
        // Most characters start no number: an ASCII one only if a digit.
        let b = text.as_bytes()[i];
        if b.is_ascii() && !b.is_ascii_digit() {
            i += 1;
            continue;
        }
        if !b.is_ascii() {
            // A CJK text is mostly characters that are no numeral.
            let c = text[i..].chars().next().unwrap_or(' ');
            if chinese_number(c).is_none() {
                i += c.len_utf8();
                continue;
            }
        }
        let Some((n, len)) = number_at(&text[i..]) else {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let prev = text[..i].chars().next_back();
        // "1.3年及以上": a list number glued to the years is not a decimal.
        let list_number = prev == Some('.') && {
            let line = &text[text[..i - 1].rfind('\n').map_or(0, |k| k + 1)..i - 1];
            !line.is_empty() && line.len() <= 2 && line.bytes().all(|b| b.is_ascii_digit())
        };
        if !list_number && prev.is_some_and(|p| p.is_ascii_digit() || p == '.' || (p.is_ascii_alphabetic())) {
            i += len;
            continue;
        }
        let mut j = i + len;
        let mut max = None;
        let rest = &text[j..];
        // a range: 3-5, 3~5, 3 to 5, 3–5
        let range_rest = rest.trim_start_matches(' ');
        for sep in ["-", "~", "〜", "to ", "至", "到"] {
            if let Some(r) = range_rest.strip_prefix(sep) {
                let r2 = r.trim_start_matches(' ');
                if let Some((m, ml)) = number_at(r2) {
                    max = Some(m);
                    j += (rest.len() - range_rest.len()) + sep.len() + (r.len() - r2.len()) + ml;
                }
                break;
            }
        }
        let tail = &text[j..];
        let t = tail.trim_start_matches(' ');
        let plus = t.starts_with('+');
        let t2 = t.trim_start_matches('+').trim_start_matches(' ');
        // The words around, built only for a number followed by a unit.
        let window = || text[j..].chars().take(40).collect::<String>();
        let before = || text[..i].chars().rev().take(24).collect::<Vec<_>>().into_iter().rev().collect::<String>();
        let is_year_number = n >= 1900 || n > 40;
        let found = if is_year_number {
            false
        } else if t2.starts_with("years") || t2.starts_with("year") || t2.starts_with("yrs") || t2.starts_with("yr ") {
            let (window, before) = (window(), before());
            plus || [
                "experience",
                "exp",
                "professional",
                "industry",
                "of ",
                "in ",
                "working",
                "building",
                "hands-on",
                "developing",
                "writing",
                "shipping",
            ]
            .iter()
            .any(|w| window.contains(w))
                || ["at least", "minimum", "min.", "over", "more than"].iter().any(|w| before.contains(w))
        } else if let Some(after) = t2.strip_prefix('년') {
            let after = after.trim_start_matches(' ');
            let (window, before) = (window(), before());
            let exp_ctx = before.contains("경력")
                || window.contains("경력")
                || window.contains("경험")
                || after.starts_with('차');
            (after.starts_with("이상")
                || after.starts_with('차')
                || after.starts_with('+')
                || max.is_some()
                || before.contains("경력"))
                && exp_ctx
                && !after.starts_with("연속")
        } else if let Some(after) = t2.strip_prefix('年') {
            let (window, before) = (window(), before());
            let exp_ctx = ["经验", "工作", "开发", "经历", "以上"].iter().any(|w| window.contains(w));
            (after.starts_with("以上")
                || after.starts_with("及以上")
                || after.starts_with('+')
                || after.starts_with("经验")
                || after.starts_with("工作")
                || after.starts_with("开发")
                || after.starts_with("以")
                || (after.starts_with('的') && ["至少", "最少"].iter().any(|w| before.contains(w)))
                || max.is_some())
                && exp_ctx
        } else {
            false
        };
        if found {
            out.push(YearsPhrase { pos: i, min: n.min(40) as u8, max: max.map(|m| m.min(40) as u8) });
        }
        i = j.max(i + 1);
    }
    out
}

fn experience(rules: &Rules, title: &str, body: &str, lines: &[Line]) -> Experience {
    // Years: the title first, then the first phrase outside a preferred part.
    let from_title = years_phrases(title).into_iter().next();
    let body_phrases = years_phrases(body);
    // Preferred: under a preferred heading, or a cue in the phrase's own
    // clause ("3年以上经验，有架构经验者优先" still asks for 3 years).
    let in_pref = |p: &YearsPhrase| {
        let Some(l) = lines.get(lines.partition_point(|l| l.end <= p.pos)) else { return false };
        if l.section == Section::Preferred {
            return true;
        }
        const STOPS: [char; 8] = [',', '，', ';', '；', '。', '、', '(', '（'];
        let line = &body[l.start..l.end];
        let rel = p.pos - l.start;
        let from =
            line[..rel].char_indices().rev().find(|(_, c)| STOPS.contains(c)).map_or(0, |(i, c)| i + c.len_utf8());
        let to = line[rel..].find(STOPS).map_or(line.len(), |i| rel + i);
        l.cue.is_some() && rules.cue(&line[from..to]) == Some(Requirement::Preferred)
    };
    let chosen = from_title.or_else(|| {
        let mut ps = body_phrases.iter().filter(|p| !in_pref(p));
        ps.next().map(|p| YearsPhrase { pos: p.pos, min: p.min, max: p.max })
    });
    const ANY: &[&str] = &[
        "경력무관",
        "경력 무관",
        "신입/경력",
        "신입 / 경력",
        "신입·경력",
        "신입 및 경력",
        "신입, 경력",
        "경력/신입",
        "经验不限",
        "不限经验",
        "年限不限",
        "any level",
        "all levels",
        "any experience level",
        "all experience levels",
    ];
    const ENTRY: &[&str] = &[
        "신입",
        "new grad",
        "new graduate",
        "entry level",
        "entry-level",
        "recent graduate",
        "graduate program",
        "应届",
        "校招",
        "校园招聘",
        "新卒",
        "no experience required",
        "인턴",
    ];
    let title_level = title_level(title);
    // The title or the body (no phrase holds a line break).
    let any = ANY.iter().any(|w| title.contains(w) || body.contains(w));
    let entry = ENTRY.iter().any(|w| title.contains(w) || body.contains(w));
    let (min_years, max_years) = match &chosen {
        Some(p) => (Some(p.min), p.max),
        None if any || entry => (Some(0), None),
        None => (None, None),
    };
    let level = if let Some(l) = title_level {
        l
    } else if any && chosen.is_none() {
        Level::Any
    } else if let Some(p) = &chosen {
        Level::from_years(p.min)
    } else if entry {
        Level::Entry
    } else if let Some(l) = body_level(body) {
        l
    } else {
        Level::Unspecified
    };
    Experience { min_years, max_years, level }
}

fn title_level(title: &str) -> Option<Level> {
    const SENIOR: &[&str] = &[
        "senior",
        "sr.",
        "sr",
        "시니어",
        "高级",
        "资深",
        "lead",
        "principal",
        "staff",
        "리드",
        "테크리드",
        "수석",
        "专家",
        "架构师",
        "tech lead",
        "head of",
    ];
    const JUNIOR: &[&str] = &["junior", "jr.", "jr", "주니어", "初级"];
    const MID: &[&str] = &["mid-level", "mid level", "midlevel", "中级"];
    const ENTRY: &[&str] =
        &["신입", "new grad", "entry level", "entry-level", "intern", "인턴", "实习", "应届", "校招", "graduate"];
    // "中高级" is mid-to-senior: no level word, the years decide.
    let title = title.replace("中高级", "");
    let has = |ws: &[&str]| ws.iter().any(|w| find_word(&title, w).is_some());
    if has(SENIOR) {
        Some(Level::Senior)
    } else if has(JUNIOR) {
        Some(Level::Junior)
    } else if has(MID) {
        Some(Level::Mid)
    } else if has(ENTRY) && !title.contains("경력") {
        Some(Level::Entry)
    } else {
        None
    }
}

fn body_level(body: &str) -> Option<Level> {
    const SENIOR: &[&str] = &[
        "senior engineer",
        "senior developer",
        "senior software",
        "시니어 개발자",
        "시니어 엔지니어",
        "高级工程师",
        "资深工程师",
        "高级开发",
    ];
    const JUNIOR: &[&str] = &["junior engineer", "junior developer", "주니어 개발자", "初级工程师"];
    if SENIOR.iter().any(|w| body.contains(w)) {
        Some(Level::Senior)
    } else if JUNIOR.iter().any(|w| body.contains(w)) {
        Some(Level::Junior)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    fn tax() -> &'static Taxonomy {
        static T: OnceLock<Taxonomy> = OnceLock::new();
        T.get_or_init(Taxonomy::builtin)
    }

    fn ids(text: &str) -> Vec<String> {
        tax().extract_posting("", text).technologies.into_iter().map(|m| m.tech_id).collect()
    }

    #[track_caller]
    fn finds(text: &str, expected: &[&str]) {
        assert_eq!(ids(text), expected, "in {text:?}");
    }

    #[test]
    fn korean_particles_and_hangul_names() {
        finds("리액트를 사용하고 쿠버네티스와 도커로 배포합니다", &["react", "kubernetes", "docker"]);
        finds("스프링부트로 API를 만들고 파이썬으로 배치를 씁니다", &["spring-boot", "python"]);
        finds("유니티엔진 기반 게임, 리눅스환경", &["unity", "linux"]);
        finds("Java와 Kotlin으로, React로", &["java", "kotlin", "react"]);
        // A Hangul name inside a longer Hangul word is not the name.
        finds("스프링클러 설치, 자바스크립트", &["javascript"]);
    }

    #[test]
    fn aliases() {
        finds("k8s, React.js, Golang, Node.js, Vue.js", &["kubernetes", "react", "go", "nodejs", "vue"]);
        finds("스프링 부트 / 쿠버네티스 / 고랭 / 타입스크립트", &["spring-boot", "kubernetes", "go", "typescript"]);
        finds("EC2와 S3, Postgres, Mongo, ES6", &["aws", "postgresql", "mongodb", "javascript"]);
        finds("python3, java8, vue3 and html5", &["python", "java", "vue", "html"]);
    }

    #[test]
    fn go_the_verb_is_not_go_the_language() {
        finds("Ready to go? Let's go to market and go beyond.", &[]);
        finds("Our go-to-market team will go live in May.", &[]);
        finds("We write services in Go and Rust.", &["go", "rust"]);
        finds("Go developer wanted", &["go"]);
        finds("熟悉Go语言，了解GO和Java", &["go", "java"]);
        finds("Go로 서버를 개발합니다", &["go"]);
        finds("Go/No-Go 의사결정 프로세스", &[]);
    }

    #[test]
    fn rust_the_colour_spring_the_season_swift_the_adjective() {
        finds("A rust-colored sofa in the Rust Belt.", &[]);
        finds("Spring 2026 start; our spring hiring event; this Spring.", &[]);
        finds("Experience with Spring and Hibernate", &["spring", "hibernate"]);
        finds("a small, swift-moving team", &[]);
        finds("apps written in Swift", &["swift"]);
    }

    #[test]
    fn single_letters_c_and_r() {
        finds("Present to C-level executives and our R&D centre; Series C funded.", &[]);
        finds("Strong C/C++ skills", &["c", "cpp"]);
        finds("SQL and either Python or R", &["sql", "python", "r"]);
        finds("R 언어 사용 경험, C언어 능숙자", &["r", "c"]);
        finds("C端用户，C轮融资", &[]);
        finds("plan b or plan c, grade C", &[]);
        finds("C# and .NET, ASP.NET Core", &["csharp", "dotnet", "aspnet"]);
        finds("see example.net for details", &[]);
    }

    #[test]
    fn other_ordinary_words_need_context() {
        finds("a node in the blockchain, 블록체인 노드 운영", &[]);
        finds("Node, Express and MongoDB", &["nodejs", "express", "mongodb"]);
        finds("express interest in the role", &[]);
        finds("at the helm of the team, a sense of unity", &[]);
        finds("Helm charts on Kubernetes; Unity and C#", &["helm", "kubernetes", "unity", "csharp"]);
        finds("a chef and a puppet show", &[]);
        finds("Chef/Puppet/Ansible", &["chef", "puppet", "ansible"]);
        finds("He said it in jest.", &[]);
    }

    #[test]
    fn urls_and_addresses_are_not_text() {
        finds("Apply: https://jobs.example.com/go/rust-team or react@example.com", &[]);
    }

    #[test]
    fn required_and_preferred_from_sections_and_cues() {
        let x = tax().extract_posting(
            "",
            "주요업무\n- Kafka 기반 파이프라인 개발\n자격요건\n- Java 필수\n- Redis 경험자 우대\n우대사항\n- Kubernetes\n",
        );
        let req = |id: &str| x.get(id).map(|m| m.requirement);
        assert_eq!(req("kafka"), Some(Requirement::Mentioned));
        assert_eq!(req("java"), Some(Requirement::Required));
        assert_eq!(req("redis"), Some(Requirement::Preferred), "a cue in the line wins");
        assert_eq!(req("kubernetes"), Some(Requirement::Preferred));
        let x = tax().extract_posting(
            "Backend Engineer (Go)",
            "Requirements:\n- Postgres\nNice to have:\n- Terraform\nBonus\n- Some Rust experience is a plus\n",
        );
        assert_eq!(x.get("go").map(|m| m.requirement), Some(Requirement::Required), "the title's technology");
        assert_eq!(x.get("postgresql").map(|m| m.requirement), Some(Requirement::Required));
        assert_eq!(x.get("terraform").map(|m| m.requirement), Some(Requirement::Preferred));
        assert_eq!(x.get("rust").map(|m| m.requirement), Some(Requirement::Preferred));
        let x = tax().extract_posting("", "任职要求：\n1. 熟悉Java\n加分项：\n1. 熟悉Go者优先");
        assert_eq!(x.get("java").map(|m| m.requirement), Some(Requirement::Required));
        assert_eq!(x.get("go").map(|m| m.requirement), Some(Requirement::Preferred));
    }

    #[test]
    fn categories_from_title_and_content() {
        let cat = |t: &str, b: &str| tax().extract_posting(t, b).category;
        assert_eq!(cat("프론트엔드 개발자", "React"), JobCategory::Frontend);
        assert_eq!(cat("Senior SRE", "Kubernetes, Go"), JobCategory::DevOps);
        assert_eq!(cat("数据开发工程师", "熟悉Spark、Hive"), JobCategory::DataEngineering);
        assert_eq!(
            cat("Software Engineer", "We build with React, TypeScript, Node.js, NestJS and PostgreSQL."),
            JobCategory::FullStack
        );
        assert_eq!(cat("", "Firmware in C for STM32 with FreeRTOS"), JobCategory::Embedded);
        assert_eq!(cat("Product Designer", "Figma"), JobCategory::Other);
        let x = tax().extract_posting("iOS Engineer", "Swift");
        let total: f32 = x.category_scores.iter().map(|c| c.1).sum();
        assert!((total - 1.0).abs() < 1e-4 && x.category_scores[0].0 == JobCategory::Mobile);
    }

    #[test]
    fn experience_phrases() {
        let exp = |t: &str, b: &str| {
            let e = tax().extract_posting(t, b).experience;
            (e.min_years, e.max_years, e.level)
        };
        assert_eq!(exp("", "경력 3년 이상"), (Some(3), None, Level::Mid));
        assert_eq!(exp("", "5년차 이상 개발자"), (Some(5), None, Level::Mid));
        assert_eq!(exp("", "경력 3~5년"), (Some(3), Some(5), Level::Mid));
        assert_eq!(exp("", "신입 환영"), (Some(0), None, Level::Entry));
        assert_eq!(exp("", "신입/경력 무관"), (Some(0), None, Level::Any));
        assert_eq!(exp("", "3+ years of Go"), (Some(3), None, Level::Mid));
        assert_eq!(exp("", "at least 8 years of experience"), (Some(8), None, Level::Senior));
        assert_eq!(exp("Senior Engineer", "2+ years of experience"), (Some(2), None, Level::Senior));
        assert_eq!(exp("", "三年以上工作经验"), (Some(3), None, Level::Mid));
        assert_eq!(exp("", "1-3年开发经验"), (Some(1), Some(3), Level::Junior));
        assert_eq!(exp("", "2026년 졸업 예정자, founded 10 years ago"), (None, None, Level::Unspecified));
        assert_eq!(exp("", "Java 5년 이상 우대"), (None, None, Level::Unspecified), "a preferred number is no minimum");
    }
}
