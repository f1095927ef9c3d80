//! Pure text helpers the job-market pipeline needs beside the extraction:
//! the language of a text, the region of a location string, the employment
//! type, a stated salary, and a content hash plus a near-duplicate
//! signature for de-duplication.
//!
//! ```
//! use taxonomy::market::*;
//! assert_eq!(detect_language("백엔드 개발자 (Java/Spring) 채용"), taxonomy::Lang::Ko);
//! let loc = location("서울 강남구 / 재택 병행");
//! assert_eq!((loc.country, loc.region, loc.remote), (Some("KR"), Some("seoul"), true));
//! assert_eq!(employment_type("정규직 (수습 3개월)"), EmploymentType::FullTime);
//! let s = salary("연봉 5,000만원 ~ 7,000만원").unwrap();
//! assert_eq!((s.min, s.max, s.currency, s.period), (Some(50_000_000), Some(70_000_000), "KRW", Period::Year));
//! let post = "We are hiring a Rust engineer to build our payment platform in Seoul. \
//!     You will design services, review code and run them in production. \
//!     Requirements: 3+ years of Rust or C++, PostgreSQL, Kubernetes. \
//!     Nice to have: Kafka, Terraform. Full-time, hybrid, 연봉 6,000만원 이상.";
//! let a = simhash(post);
//! let b = simhash(&post.replace("payment platform", "payments platform").replace("Seoul.", "Seoul!"));
//! let other = simhash("Senior iOS engineer for a meditation app: Swift, SwiftUI, 5+ years, remote in Europe.");
//! assert!(near_duplicate(a, b));
//! assert!(!near_duplicate(a, other));
//! ```

use crate::posting::Lang;
use crate::text::{is_han, is_hangul, Normalized};
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use serde::Serialize;
use std::sync::LazyLock;

/// The language of a text by the share of its letters in each script:
/// Hangul → Korean, Han (without kana) → Chinese, kana → Japanese, Latin →
/// English. Technology names are Latin in every language, so a modest share
/// of Hangul or Han is enough (15 %).
pub fn detect_language(text: &str) -> Lang {
    detect_language_of(&[text])
}

/// [`detect_language`] of texts read as one (a title and a body), without
/// joining them.
pub fn detect_language_of(texts: &[&str]) -> Lang {
    let (mut hangul, mut han, mut kana, mut latin) = (0usize, 0usize, 0usize, 0usize);
    for c in texts.iter().flat_map(|t| t.chars()) {
        if c.is_ascii() {
            latin += usize::from(c.is_ascii_alphabetic());
        } else if is_hangul(c) {
            hangul += 1;
        } else if matches!(c, '\u{3040}'..='\u{30FF}') {
            kana += 1;
        } else if is_han(c) {
            han += 1;
        }
    }
    // Han characters carry about three Latin letters' worth of text.
    let total = (hangul * 2 + han * 3 + kana * 2 + latin) as f32;
    if total == 0.0 {
        return Lang::Other;
    }
    let share = |n: usize, w: usize| (n * w) as f32 / total;
    if kana > 0 && share(kana, 2) >= 0.05 {
        Lang::Ja
    } else if hangul >= han && share(hangul, 2) >= 0.15 {
        Lang::Ko
    } else if share(han, 3) >= 0.15 {
        Lang::Zh
    } else if latin > 0 {
        Lang::En
    } else {
        Lang::Other
    }
}

/// Where a job is, as far as a location string says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// ISO 3166-1 alpha-2.
    pub country: Option<&'static str>,
    /// A stable code: Korean provinces and metropolitan cities (`seoul`,
    /// `gyeonggi`, `busan`, …), Chinese cities (`beijing`, `shanghai`,
    /// `shenzhen`, …) and a few world cities (`tokyo`, `singapore`,
    /// `san-francisco`, …).
    pub region: Option<&'static str>,
    /// Remote work is offered (fully or in part).
    pub remote: bool,
}

const REGIONS: &[(&str, &str, &[&str])] = &[
    (
        "KR",
        "seoul",
        &["서울", "seoul", "강남", "서초", "송파", "마포", "성수", "여의도", "구로", "가산", "종로", "을지로"],
    ),
    (
        "KR",
        "gyeonggi",
        &[
            "경기", "gyeonggi", "판교", "pangyo", "성남", "seongnam", "분당", "수원", "suwon", "용인", "화성", "안양",
            "고양", "일산", "부천", "평택", "광명", "과천",
        ],
    ),
    ("KR", "incheon", &["인천", "incheon", "송도"]),
    ("KR", "busan", &["부산", "busan"]),
    ("KR", "daegu", &["대구", "daegu"]),
    ("KR", "daejeon", &["대전", "daejeon"]),
    ("KR", "gwangju", &["광주광역시", "gwangju"]),
    ("KR", "ulsan", &["울산", "ulsan"]),
    ("KR", "sejong", &["세종", "sejong"]),
    ("KR", "gangwon", &["강원", "gangwon", "춘천", "원주"]),
    ("KR", "chungbuk", &["충북", "충청북도", "청주"]),
    ("KR", "chungnam", &["충남", "충청남도", "천안", "아산"]),
    ("KR", "jeonbuk", &["전북", "전라북도", "전주"]),
    ("KR", "jeonnam", &["전남", "전라남도", "여수", "순천"]),
    ("KR", "gyeongbuk", &["경북", "경상북도", "포항", "구미"]),
    ("KR", "gyeongnam", &["경남", "경상남도", "창원", "김해"]),
    ("KR", "jeju", &["제주", "jeju"]),
    ("CN", "beijing", &["北京", "beijing"]),
    ("CN", "shanghai", &["上海", "shanghai"]),
    ("CN", "shenzhen", &["深圳", "shenzhen"]),
    ("CN", "guangzhou", &["广州", "guangzhou"]),
    ("CN", "hangzhou", &["杭州", "hangzhou"]),
    ("CN", "chengdu", &["成都", "chengdu"]),
    ("CN", "nanjing", &["南京", "nanjing"]),
    ("CN", "wuhan", &["武汉", "wuhan"]),
    ("CN", "xian", &["西安", "xi'an", "xian"]),
    ("CN", "suzhou", &["苏州", "suzhou"]),
    ("CN", "xiamen", &["厦门", "xiamen"]),
    ("CN", "changsha", &["长沙", "changsha"]),
    ("CN", "chongqing", &["重庆", "chongqing"]),
    ("CN", "tianjin", &["天津", "tianjin"]),
    ("CN", "hefei", &["合肥", "hefei"]),
    ("CN", "zhuhai", &["珠海", "zhuhai"]),
    ("CN", "dongguan", &["东莞", "dongguan"]),
    ("CN", "qingdao", &["青岛", "qingdao"]),
    ("CN", "dalian", &["大连", "dalian"]),
    ("CN", "fuzhou", &["福州", "fuzhou"]),
    ("CN", "jinan", &["济南", "jinan"]),
    ("CN", "zhengzhou", &["郑州", "zhengzhou"]),
    ("CN", "shenyang", &["沈阳", "shenyang"]),
    ("HK", "hong-kong", &["香港", "hong kong", "홍콩"]),
    ("TW", "taipei", &["台北", "臺北", "taipei"]),
    ("JP", "tokyo", &["东京", "東京", "tokyo", "도쿄"]),
    ("JP", "osaka", &["大阪", "osaka"]),
    ("SG", "singapore", &["新加坡", "singapore", "싱가포르", "싱가폴"]),
    ("US", "san-francisco", &["san francisco", "sf bay", "bay area", "旧金山", "샌프란시스코"]),
    ("US", "new-york", &["new york", "nyc", "纽约", "뉴욕"]),
    ("US", "seattle", &["seattle", "西雅图", "시애틀"]),
    ("US", "los-angeles", &["los angeles", "洛杉矶"]),
    ("US", "austin", &["austin, tx", "austin, texas"]),
    ("US", "boston", &["boston"]),
    ("GB", "london", &["london", "伦敦", "런던"]),
    ("DE", "berlin", &["berlin", "柏林", "베를린"]),
    ("NL", "amsterdam", &["amsterdam"]),
    ("CA", "toronto", &["toronto"]),
    ("CA", "vancouver", &["vancouver"]),
    ("AU", "sydney", &["sydney", "悉尼"]),
];

const COUNTRIES: &[(&str, &[&str])] = &[
    ("KR", &["korea", "대한민국", "한국", "韩国"]),
    ("CN", &["china", "中国", "중국", "国内"]),
    ("JP", &["japan", "日本", "일본"]),
    ("US", &["united states", "usa", "u.s.", "美国", "미국"]),
    ("GB", &["united kingdom", "uk", "英国", "영국"]),
    ("DE", &["germany", "德国", "독일"]),
    ("CA", &["canada", "加拿大", "캐나다"]),
    ("SG", &["新加坡"]),
    ("VN", &["vietnam", "越南", "베트남"]),
];

const REMOTE: &[&str] = &[
    "remote",
    "재택",
    "원격",
    "远程",
    "wfh",
    "work from home",
    "work from anywhere",
    "居家办公",
    "在家办公",
    "distributed team",
    "fully distributed",
];

/// Reads a location string ("서울 강남구", "Pangyo, Gyeonggi-do",
/// "上海/远程", "Remote (US)").
pub fn location(s: &str) -> Location {
    // Each table's words in one pass over the text (see [`Words`]).
    static REGION_WORDS: LazyLock<Words<(&str, &str)>> =
        LazyLock::new(|| Words::new(&REGIONS.iter().map(|&(c, r, ws)| ((c, r), ws)).collect::<Vec<_>>()));
    static COUNTRY_WORDS: LazyLock<Words<&str>> = LazyLock::new(|| Words::new(COUNTRIES));
    static REMOTE_WORDS: LazyLock<Words<()>> = LazyLock::new(|| Words::new(&[((), REMOTE)]));
    let t = Normalized::new(s).text;
    let remote =
        REMOTE_WORDS.positions(&t).iter().any(Option::is_some) && !t.contains("no remote") && !t.contains("재택 불가");
    let found = REGION_WORDS.positions(&t);
    let hit = REGION_WORDS
        .rows
        .iter()
        .filter_map(|&((c, r), ref ids)| ids.iter().filter_map(|&w| found[w]).min().map(|p| (p, c, r)))
        .min();
    let (country, region) = match hit {
        Some((_, c, r)) => (Some(c), Some(r)),
        None => {
            let found = COUNTRY_WORDS.positions(&t);
            let country =
                COUNTRY_WORDS.rows.iter().find(|(_, ids)| ids.iter().any(|&w| found[w].is_some())).map(|(c, _)| *c);
            // "US" only in capitals: "us" is a pronoun.
            let us = s.split(|c: char| !c.is_ascii_alphabetic()).any(|w| w == "US");
            (country.or(us.then_some("US")), None)
        }
    };
    Location { country, region, remote }
}

#[cfg(test)]
fn find_word_pos(t: &str, w: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = t[from..].find(w) {
        let s = from + i;
        let e = s + w.len();
        if stands_alone(t, s, e, w) {
            return Some(s);
        }
        from = e;
    }
    None
}

/// Whether the occurrence `[s, e)` of `w` in `t` is a word of its own
/// (for a Latin word: no letter or digit right before or after it).
fn stands_alone(t: &str, s: usize, e: usize, w: &str) -> bool {
    !w.is_ascii()
        || (!t[..s].chars().next_back().is_some_and(|c| c.is_ascii_alphanumeric())
            && !t[e..].chars().next().is_some_and(|c| c.is_ascii_alphanumeric()))
}

#[cfg(test)]
fn contains_word(t: &str, w: &str) -> bool {
    find_word_pos(t, w).is_some()
}

/// The words of a table, looked up in a text in one pass (one automaton)
/// instead of one search a word; each found where [`find_word_pos`]
/// finds it.
struct Words<T: 'static> {
    automaton: AhoCorasick,
    /// The distinct words, by pattern id.
    words: Vec<&'static str>,
    /// Each row's value and its words (pattern ids, as listed).
    rows: Vec<(T, Vec<usize>)>,
}

impl<T: Copy> Words<T> {
    fn new(table: &[(T, &[&'static str])]) -> Self {
        let mut words: Vec<&'static str> = Vec::new();
        let rows = table
            .iter()
            .map(|(v, ws)| {
                let ids = ws
                    .iter()
                    .map(|w| match words.iter().position(|x| x == w) {
                        Some(i) => i,
                        None => {
                            words.push(w);
                            words.len() - 1
                        }
                    })
                    .collect();
                (*v, ids)
            })
            .collect();
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&words)
            .expect("the word tables build an automaton");
        Words { automaton, words, rows }
    }

    /// Where each word is first found standing alone, by pattern id: as
    /// [`find_word_pos`] searches, an occurrence that does not stand alone
    /// is skipped with the occurrences that overlap it.
    fn positions(&self, t: &str) -> Vec<Option<usize>> {
        let mut starts: Vec<Vec<usize>> = vec![Vec::new(); self.words.len()];
        // Every occurrence, overlapping ones too; of one word, in order.
        for m in self.automaton.find_overlapping_iter(t) {
            starts[m.pattern().as_usize()].push(m.start());
        }
        starts
            .iter()
            .zip(&self.words)
            .map(|(starts, w)| {
                let mut from = 0;
                for &s in starts {
                    if s < from {
                        continue;
                    }
                    if stands_alone(t, s, s + w.len(), w) {
                        return Some(s);
                    }
                    from = s + w.len();
                }
                None
            })
            .collect()
    }
}

/// Industries a posting's company is in, with the words that say so.
pub const INDUSTRIES: &[(&str, &[&str])] = &[
    (
        "fintech",
        &[
            "fintech",
            "핀테크",
            "금융",
            "증권",
            "은행",
            "보험",
            "결제",
            "payments",
            "banking",
            "insurance",
            "trading",
            "金融",
            "银行",
            "支付",
            "证券",
            "保险",
            "量化",
        ],
    ),
    ("commerce", &["e-commerce", "ecommerce", "커머스", "이커머스", "쇼핑몰", "retail", "marketplace", "电商", "零售"]),
    ("games", &["게임", "game studio", "gaming", "video games", "游戏"]),
    (
        "health",
        &[
            "헬스케어",
            "의료",
            "병원",
            "바이오",
            "healthcare",
            "healthtech",
            "medical",
            "biotech",
            "医疗",
            "健康",
            "生物",
        ],
    ),
    ("education", &["에듀테크", "교육", "edtech", "education", "learning platform", "教育", "在线教育"]),
    (
        "mobility",
        &["모빌리티", "자율주행", "mobility", "autonomous driving", "ride-hailing", "出行", "自动驾驶", "汽车"],
    ),
    ("logistics", &["물류", "배송", "logistics", "delivery", "supply chain", "物流", "供应链", "配送"]),
    (
        "media",
        &["미디어", "콘텐츠", "엔터테인먼트", "media", "streaming", "entertainment", "媒体", "内容", "视频", "直播"],
    ),
    ("security", &["보안 기업", "정보보호", "cybersecurity", "security company", "网络安全", "信息安全"]),
    ("saas", &["saas", "b2b", "enterprise software", "협업 툴", "企业服务"]),
    ("crypto", &["블록체인", "가상자산", "blockchain", "crypto", "web3", "区块链", "加密货币"]),
];

/// Kinds of company, with the words that say so.
pub const COMPANY_TYPES: &[(&str, &[&str])] = &[
    (
        "startup",
        &["스타트업", "startup", "start-up", "시리즈 a", "시리즈 b", "series a", "series b", "seed", "创业", "初创"],
    ),
    ("enterprise", &["대기업", "그룹사", "계열사", "fortune 500", "large enterprise", "大厂", "上市公司", "集团"]),
    ("foreign", &["외국계", "글로벌 기업", "multinational", "外企", "外资"]),
    ("public", &["공공기관", "공기업", "정부", "public sector", "government", "国企", "央企", "事业单位"]),
    ("agency", &["si 업체", "에이전시", "agency", "consultancy", "外包公司", "外包"]),
];

static INDUSTRY_WORDS: LazyLock<Words<&'static str>> = LazyLock::new(|| Words::new(INDUSTRIES));
static COMPANY_TYPE_WORDS: LazyLock<Words<&'static str>> = LazyLock::new(|| Words::new(COMPANY_TYPES));

fn classify(s: &str, table: &Words<&'static str>) -> Option<&'static str> {
    classify_normalized(&Normalized::new(s).text, table)
}

/// The row most of whose words the text has (the earlier on a tie).
fn classify_normalized(t: &str, table: &Words<&'static str>) -> Option<&'static str> {
    let found = table.positions(t);
    table
        .rows
        .iter()
        .enumerate()
        .filter_map(|(i, (code, words))| {
            let hits = words.iter().filter(|&&w| found[w].is_some()).count();
            (hits > 0).then_some((hits, std::cmp::Reverse(i), *code))
        })
        .max()
        .map(|(_, _, code)| code)
}

/// The industry a posting says its company is in (the one most words
/// point to; the earlier in [`INDUSTRIES`] on a tie), if any.
pub fn industry(s: &str) -> Option<&'static str> {
    classify(s, &INDUSTRY_WORDS)
}

/// The kind of company a posting says it is, if it says.
pub fn company_type(s: &str) -> Option<&'static str> {
    classify(s, &COMPANY_TYPE_WORDS)
}

/// [`industry`] and [`company_type`] of one text, normalised once.
pub fn industry_and_company_type(s: &str) -> (Option<&'static str>, Option<&'static str>) {
    let t = Normalized::new(s).text;
    (classify_normalized(&t, &INDUSTRY_WORDS), classify_normalized(&t, &COMPANY_TYPE_WORDS))
}

/// A posting's text normalised once (see [`Normalized`]) for everything
/// the market reads from it besides the technologies: each reader gives
/// what its function of the same name gives for the original text.
pub struct Folded {
    text: String,
}

impl Folded {
    pub fn new(s: &str) -> Self {
        Folded { text: Normalized::new(s).text }
    }

    pub(crate) fn of_normalized(text: String) -> Self {
        Folded { text }
    }

    /// [`salary`].
    pub fn salary(&self) -> Option<Salary> {
        salary_normalized(&self.text.replace(',', ""))
    }

    /// [`employment_type`].
    pub fn employment_type(&self) -> EmploymentType {
        employment_type_normalized(&self.text)
    }

    /// [`content_hash_and_simhash`].
    pub fn content_hash_and_simhash(&self) -> (String, u64) {
        let canon = canonical_of_normalized(&self.text);
        (content_hash_of_canonical(&canon), simhash_of_canonical(&canon))
    }

    /// [`industry_and_company_type`] of the company's name and then this
    /// text, on a line of their own (normalising works character by
    /// character, and no address spans a line break, so the name is
    /// normalised alone and put in front).
    pub fn industry_and_company_type(&self, company: &str) -> (Option<&'static str>, Option<&'static str>) {
        let mut t = Normalized::new(company).text;
        t.reserve(self.text.len() + 1);
        t.push('\n');
        t.push_str(&self.text);
        (classify_normalized(&t, &INDUSTRY_WORDS), classify_normalized(&t, &COMPANY_TYPE_WORDS))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EmploymentType {
    FullTime,
    Contract,
    Intern,
    PartTime,
    Freelance,
    Unknown,
}

/// The employment type a text states; the first one named wins when a
/// posting offers several ("정규직 (계약직 전환 없음)" is still full-time).
pub fn employment_type(s: &str) -> EmploymentType {
    employment_type_normalized(&Normalized::new(s).text)
}

fn employment_type_normalized(t: &str) -> EmploymentType {
    use EmploymentType::*;
    const TYPES: &[(EmploymentType, &[&str])] = &[
        (Intern, &["intern", "internship", "인턴", "实习", "체험형", "co-op"]),
        (
            Contract,
            &["contract", "contractor", "계약직", "파견", "合同工", "外包", "劳务派遣", "fixed-term", "temporary"],
        ),
        (PartTime, &["part-time", "part time", "파트타임", "아르바이트", "兼职"]),
        (Freelance, &["freelance", "freelancer", "프리랜서", "自由职业", "外包项目"]),
        (FullTime, &["full-time", "full time", "fulltime", "permanent", "정규직", "全职", "正式员工", "社招"]),
    ];
    static WORDS: LazyLock<Words<EmploymentType>> = LazyLock::new(|| Words::new(TYPES));
    let found = WORDS.positions(t);
    WORDS
        .rows
        .iter()
        .filter_map(|(ty, ws)| ws.iter().filter_map(|&w| found[w]).min().map(|p| (p, *ty)))
        .min()
        .map_or(Unknown, |(_, ty)| ty)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Year,
    Month,
    Hour,
}

/// A stated salary, in whole currency units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Salary {
    pub min: Option<u64>,
    pub max: Option<u64>,
    /// ISO 4217: `KRW`, `USD`, `CNY`, `EUR`, `GBP`, `JPY`.
    pub currency: &'static str,
    pub period: Period,
}

/// A salary stated in a text, best effort: "연봉 4,000만원 ~ 6,000만원",
/// "연봉 5000만원 이상", "$120k–$160k", "$150,000/year", "20-40K·15薪",
/// "月薪 20k-35k", "年薪 30-50万". None for "협의", "面议" or nothing.
pub fn salary(s: &str) -> Option<Salary> {
    salary_normalized(&Normalized::new(s).text.replace(',', ""))
}

/// [`salary`] of a normalised text without its commas.
fn salary_normalized(t: &str) -> Option<Salary> {
    // Korean: N만원 (10,000 KRW), N억 (100,000,000 KRW).
    if let Some(sal) = salary_korean(t) {
        return Some(sal);
    }
    if let Some(sal) = salary_chinese(t) {
        return Some(sal);
    }
    salary_western(t)
}

/// Numbers with their unit suffix and position: (value, unit, start, end).
fn numbers(t: &str) -> Vec<(f64, String, usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    let b = t.as_bytes();
    while i < b.len() {
        if b[i].is_ascii_digit() && (i == 0 || !(b[i - 1].is_ascii_alphabetic())) {
            let s = i;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                i += 1;
            }
            let v: f64 = t[s..i].trim_end_matches('.').parse().unwrap_or(0.0);
            let rest = t[i..].trim_start_matches(' ');
            let unit: String = rest.chars().take(3).collect();
            out.push((v, unit, s, i));
        } else {
            i += 1;
        }
    }
    out
}

fn salary_korean(t: &str) -> Option<Salary> {
    if !(t.contains("만원") || t.contains("만 원") || t.contains('억')) {
        return None;
    }
    let nums: Vec<u64> = numbers(t)
        .into_iter()
        .filter_map(|(v, unit, _, _)| {
            if unit.starts_with("만") {
                Some((v * 10_000.0) as u64)
            } else if unit.starts_with('억') {
                Some((v * 100_000_000.0) as u64)
            } else {
                None
            }
        })
        .collect();
    let period =
        if t.contains("월급") || t.contains("월 ") && !t.contains("연봉") { Period::Month } else { Period::Year };
    range(nums, "KRW", period, t.contains("이상"))
}

fn salary_chinese(t: &str) -> Option<Salary> {
    let cn = t.contains('万')
        || t.contains("薪")
        || t.contains("月薪")
        || t.contains("年薪")
        || t.contains("·")
        || t.contains("元");
    let nums = numbers(t);
    let k_nums: Vec<(f64, String, usize, usize)> = nums
        .iter()
        .filter(|(_, u, _, _)| u.starts_with('k') || u.starts_with('万') || u.starts_with('-') || u.starts_with('~'))
        .cloned()
        .collect();
    if !cn && !t.contains("k-") && !t.contains("k~") {
        return None;
    }
    if t.contains('$') || t.contains("usd") {
        return None;
    }
    let wan = t.contains('万');
    let yearly = t.contains("年薪") || (wan && !t.contains("月薪"));
    let mult = if wan { 10_000.0 } else { 1_000.0 };
    // "20-40k": the first number takes the second's unit.
    let vals: Vec<u64> =
        k_nums.iter().filter(|(v, _, _, _)| *v > 0.0 && *v < 1000.0).map(|(v, _, _, _)| (*v * mult) as u64).collect();
    if vals.is_empty() || !(t.contains('k') || wan) {
        return None;
    }
    range(vals, "CNY", if yearly { Period::Year } else { Period::Month }, t.contains("以上"))
}

fn salary_western(t: &str) -> Option<Salary> {
    let (currency, sym) = if t.contains('$') || t.contains("usd") {
        ("USD", '$')
    } else if t.contains('€') || t.contains("eur") {
        ("EUR", '€')
    } else if t.contains('£') || t.contains("gbp") {
        ("GBP", '£')
    } else {
        return None;
    };
    let _ = sym;
    let vals: Vec<u64> = numbers(t)
        .into_iter()
        .filter_map(|(v, unit, _, _)| {
            let v = if unit.starts_with('k') {
                v * 1000.0
            } else if unit.starts_with('m') && v < 10.0 {
                v * 1_000_000.0
            } else {
                v
            };
            (v >= 10.0).then_some(v as u64)
        })
        .collect();
    let period = if t.contains("/hr") || t.contains("per hour") || t.contains("/hour") || t.contains("hourly") {
        Period::Hour
    } else if t.contains("/month") || t.contains("per month") || t.contains("monthly") {
        Period::Month
    } else {
        Period::Year
    };
    range(vals, currency, period, t.contains('+'))
}

fn range(mut vals: Vec<u64>, currency: &'static str, period: Period, open: bool) -> Option<Salary> {
    vals.retain(|&v| v > 0);
    match vals.as_slice() {
        [] => None,
        [v] if open => Some(Salary { min: Some(*v), max: None, currency, period }),
        [v] => Some(Salary { min: Some(*v), max: Some(*v), currency, period }),
        [a, b, ..] => Some(Salary { min: Some(*a.min(b)), max: Some(*a.max(b)), currency, period }),
    }
}

/// The text as the hashes see it: case-folded, URLs and e-mail addresses
/// dropped, every run of non-letters one space.
pub fn canonical_text(s: &str) -> String {
    canonical_of_normalized(&Normalized::new(s).text)
}

/// `c.is_alphanumeric()`, without the table lookup for ASCII, Hangul
/// syllables and the common Han ideographs (all letters).
fn word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{4E00}'..='\u{9FFF}') || c.is_alphanumeric()
    }
}

fn canonical_of_normalized(n: &str) -> String {
    let mut out = String::with_capacity(n.len());
    let mut space = true;
    for c in n.chars() {
        if word_char(c) {
            out.push(c);
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    out.trim_end().to_string()
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a, 64 bits: stable across versions and platforms (unlike std's
/// hasher), so it can be stored.
fn fnv1a(bytes: &[u8]) -> u64 {
    fnv1a_more(FNV_OFFSET, bytes)
}

/// FNV-1a continued over more bytes: `fnv1a_more(fnv1a(a), b)` is
/// `fnv1a(a ++ b)`.
fn fnv1a_more(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A hash of the canonical text as 16 hex digits: equal for postings that
/// differ only in case, spacing, punctuation or links.
pub fn content_hash(s: &str) -> String {
    content_hash_of_canonical(&canonical_text(s))
}

fn content_hash_of_canonical(canon: &str) -> String {
    format!("{:016x}", fnv1a(canon.as_bytes()))
}

/// [`content_hash`] and [`simhash`] of one text, made canonical once.
pub fn content_hash_and_simhash(s: &str) -> (String, u64) {
    let canon = canonical_text(s);
    (content_hash_of_canonical(&canon), simhash_of_canonical(&canon))
}

/// A 64-bit SimHash over shingles of the canonical text: 3-word shingles
/// for Latin text, 4-character shingles for Hangul/Han runs (which are not
/// split by spaces). Near-identical texts differ in a few bits; compare
/// with [`near_duplicate`] or [`hamming`].
pub fn simhash(s: &str) -> u64 {
    simhash_of_canonical(&canonical_text(s))
}

/// `SPREAD[b]` has byte `k` set to bit `k` of `b`: added up, eight byte
/// lanes count the set bits of eight bits at once.
const SPREAD: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut b = 0;
    while b < 256 {
        let mut k = 0;
        while k < 8 {
            t[b] |= ((b as u64 >> k) & 1) << (8 * k);
            k += 1;
        }
        b += 1;
    }
    t
};

/// How often each of the 64 bits is set among the hashes added: eight
/// additions a hash into byte lanes, moved to wide counters before a lane
/// could overflow.
struct BitCounts {
    ones: [u32; 64],
    lanes: [u64; 8],
    pending: u32,
    hashes: u32,
}

impl Default for BitCounts {
    fn default() -> Self {
        BitCounts { ones: [0; 64], lanes: [0; 8], pending: 0, hashes: 0 }
    }
}

impl BitCounts {
    fn add(&mut self, h: u64) {
        for (j, lane) in self.lanes.iter_mut().enumerate() {
            *lane += SPREAD[((h >> (8 * j)) & 0xff) as usize];
        }
        self.hashes += 1;
        self.pending += 1;
        if self.pending == 255 {
            self.flush();
        }
    }

    fn flush(&mut self) {
        for (j, lane) in self.lanes.iter_mut().enumerate() {
            for k in 0..8 {
                self.ones[8 * j + k] += ((*lane >> (8 * k)) & 0xff) as u32;
            }
            *lane = 0;
        }
        self.pending = 0;
    }

    /// Each bit set where more hashes had it set than clear.
    fn majority(mut self) -> u64 {
        self.flush();
        (0..64).fold(0u64, |acc, bit| if 2 * self.ones[bit] > self.hashes { acc | 1 << bit } else { acc })
    }
}

fn simhash_of_canonical(canon: &str) -> u64 {
    let mut counts = BitCounts::default();
    // Each shingle's hash is fed its bytes in place (no string is built).
    let mut add = |h: u64| counts.add(h);
    let words: Vec<&str> = canon.split(' ').filter(|w| !w.is_empty()).collect();
    for w in words.windows(3) {
        // The hash of `w.join(" ")`.
        let h = fnv1a_more(
            fnv1a_more(fnv1a_more(fnv1a_more(fnv1a(w[0].as_bytes()), b" "), w[1].as_bytes()), b" "),
            w[2].as_bytes(),
        );
        add(h);
    }
    if words.len() < 3 {
        add(fnv1a(canon.as_bytes()));
    }
    let cjk: Vec<char> = canon.chars().filter(|&c| is_hangul(c) || is_han(c)).collect();
    for w in cjk.windows(4) {
        // The hash of the four characters as one string.
        let mut buf = [0u8; 4];
        add(w.iter().fold(FNV_OFFSET, |h, c| fnv1a_more(h, c.encode_utf8(&mut buf).as_bytes())));
    }
    counts.majority()
}

pub fn hamming(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// Whether two SimHashes are of the same posting (reposted, lightly edited):
/// at most 10 of 64 bits differ.
pub fn near_duplicate(a: u64, b: u64) -> bool {
    hamming(a, b) <= 10
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One pass over the text finds each word where one search a word
    /// does, on the labelled postings and on words next to letters, in
    /// overlapping runs and in other scripts.
    #[test]
    fn word_tables_find_what_one_search_a_word_finds() {
        let mut texts: Vec<String> = crate::eval::builtin_set()
            .into_iter()
            .map(|p| Normalized::new(&format!("{}\n{}", p.title, p.body)).text)
            .collect();
        texts.extend(
            [
                "xsaas saas",
                "saasaas",
                "fintechs and fintech",
                "b2b2b",
                "part-time/part time",
                "co-op, coop",
                "외국계 기업",
                "contractor contract",
                "internship intern",
                "e-commerce ecommerce",
                "",
            ]
            .map(str::to_string),
        );
        let tables: [&[(&str, &[&str])]; 2] = [INDUSTRIES, COMPANY_TYPES];
        for (table, words) in tables.iter().zip([&*INDUSTRY_WORDS, &*COMPANY_TYPE_WORDS]) {
            for t in &texts {
                let found = words.positions(t);
                for (row, (_, ws)) in table.iter().enumerate() {
                    for (k, w) in ws.iter().enumerate() {
                        assert_eq!(found[words.rows[row].1[k]], find_word_pos(t, w), "{w} in {t}");
                    }
                }
                let one_by_one = table
                    .iter()
                    .enumerate()
                    .filter_map(|(i, (code, ws))| {
                        let hits = ws.iter().filter(|w| contains_word(t, w)).count();
                        (hits > 0).then_some((hits, std::cmp::Reverse(i), *code))
                    })
                    .max()
                    .map(|(_, _, code)| code);
                assert_eq!(classify_normalized(t, words), one_by_one, "{t}");
            }
        }
    }

    /// Hashes are stored with every posting and compared with new ones:
    /// they must never change (these were computed by the first version).
    #[test]
    fn hashes_are_stable() {
        let cases = [
            (
                "Senior Backend Engineer\nWe build payments. Requirements: 3+ years of Rust, PostgreSQL",
                0x505a_0347_8310_9838u64,
                "db325c5958ce6129",
            ),
            (
                "백엔드 개발자 (Rust)\n서비스 백엔드를 함께 만들 개발자를 찾습니다. 자격요건 Rust 실무 경험 3년 이상",
                0xd3b7_d016_d48f_e98c,
                "960c70e6fbe8beca",
            ),
            (
                "高级后端工程师\n负责支付系统的设计与开发，要求熟悉 Go 和 Kubernetes，三年以上经验",
                0xdcd4_08f1_a184_3a0c,
                "e3587369940a18b8",
            ),
            ("Go dev", 0xf1e2_fe9a_f0c8_4d78, "f1e2fe9af0c84d78"),
        ];
        for (text, sim, hash) in cases {
            assert_eq!(simhash(text), sim, "{text}");
            assert_eq!(content_hash(text), hash, "{text}");
            assert_eq!(content_hash_and_simhash(text), (hash.to_string(), sim), "{text}");
        }
    }

    #[test]
    fn industry_and_company_type_when_the_posting_says() {
        assert_eq!(industry("핀테크 스타트업에서 결제 서버를 만들 백엔드 개발자"), Some("fintech"));
        assert_eq!(company_type("핀테크 스타트업에서 결제 서버를 만들 백엔드 개발자"), Some("startup"));
        assert_eq!(industry("We are a Series B e-commerce marketplace"), Some("commerce"));
        assert_eq!(company_type("We are a Series B e-commerce marketplace"), Some("startup"));
        assert_eq!(industry("国内头部游戏公司招聘 Unity 客户端"), Some("games"));
        assert_eq!(company_type("外企，双休，远程"), Some("foreign"));
        assert_eq!(industry("물류 센터 배송 최적화"), Some("logistics"));
        // Words inside other words are not hits; nothing said is None.
        assert_eq!(industry("Backend engineer: Go, PostgreSQL, gRPC"), None);
        assert_eq!(company_type("seeding the database with fixtures"), None);
        assert_eq!(industry("We build sagas"), None);
    }

    #[test]
    fn languages_by_script_share() {
        assert_eq!(detect_language("자격요건: Java, Spring Boot, Kubernetes 운영 경험 3년 이상"), Lang::Ko);
        assert_eq!(detect_language("熟悉 Go/Java，有 Kubernetes、Docker 使用经验"), Lang::Zh);
        assert_eq!(detect_language("Senior Rust engineer, remote, 5+ years"), Lang::En);
        assert_eq!(detect_language("東京でGoエンジニアを募集しています"), Lang::Ja);
        assert_eq!(detect_language("12345 !!"), Lang::Other);
    }

    #[test]
    fn locations() {
        let l = location("경기 성남시 분당구 판교역로");
        assert_eq!((l.country, l.region, l.remote), (Some("KR"), Some("gyeonggi"), false));
        assert_eq!(location("Busan, South Korea").region, Some("busan"));
        let l = location("上海/杭州，可远程");
        assert_eq!((l.country, l.region, l.remote), (Some("CN"), Some("shanghai"), true));
        let l = location("Remote (US only)");
        assert_eq!((l.country, l.region, l.remote), (Some("US"), None, true));
        assert_eq!(location("Hong Kong").region, Some("hong-kong"));
        assert_eq!(location("").region, None);
    }

    #[test]
    fn employment_types() {
        assert_eq!(employment_type("정규직"), EmploymentType::FullTime);
        assert_eq!(employment_type("계약직 (6개월, 정규직 전환 가능)"), EmploymentType::Contract);
        assert_eq!(employment_type("Software Engineering Intern, Summer"), EmploymentType::Intern);
        assert_eq!(employment_type("全职/实习均可"), EmploymentType::FullTime);
        assert_eq!(employment_type("Full-time, permanent"), EmploymentType::FullTime);
        assert_eq!(employment_type("Contract (12 months)"), EmploymentType::Contract);
        assert_eq!(employment_type("회사 소개"), EmploymentType::Unknown);
    }

    #[test]
    fn salaries() {
        let s = salary("연봉 5000만원 이상").unwrap();
        assert_eq!((s.min, s.max, s.currency), (Some(50_000_000), None, "KRW"));
        let s = salary("$120k–$160k + equity").unwrap();
        assert_eq!((s.min, s.max, s.currency, s.period), (Some(120_000), Some(160_000), "USD", Period::Year));
        let s = salary("薪资 20-40K·15薪").unwrap();
        assert_eq!((s.min, s.max, s.currency, s.period), (Some(20_000), Some(40_000), "CNY", Period::Month));
        let s = salary("年薪 30-50万").unwrap();
        assert_eq!((s.min, s.max, s.period), (Some(300_000), Some(500_000), Period::Year));
        let s = salary("$85/hr").unwrap();
        assert_eq!((s.min, s.period), (Some(85), Period::Hour));
        assert_eq!(salary("연봉 협의"), None);
        assert_eq!(salary("薪资面议"), None);
    }

    #[test]
    fn hashes_ignore_formatting_and_simhash_finds_reposts() {
        assert_eq!(content_hash("Rust  Engineer!\nhttps://x.io/a"), content_hash("rust engineer"));
        assert_ne!(content_hash("Rust engineer"), content_hash("Go engineer"));
        let a = "招聘后端工程师，熟悉Go语言和Kubernetes，有分布式系统经验，地点上海，薪资面议，欢迎投递简历。我们是一家做跨境支付的公司。";
        let b = "招聘后端工程师，熟悉Go语言和Kubernetes，有分布式系统经验，地点上海，薪资面议，欢迎投递简历！我们是一家做跨境支付的创业公司。";
        let c =
            "招聘前端工程师，熟悉React和TypeScript，有移动端经验，地点北京，欢迎投递。我们是一家教育公司，团队氛围好。";
        assert!(near_duplicate(simhash(a), simhash(b)), "{}", hamming(simhash(a), simhash(b)));
        assert!(!near_duplicate(simhash(a), simhash(c)), "{}", hamming(simhash(a), simhash(c)));
    }
    #[test]
    fn the_quick_word_test_is_is_alphanumeric() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            assert_eq!(super::word_char(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn folded_readers_give_what_their_functions_give() {
        let companies = ["Acme", "토스 (Viva Republica)", "字节跳动", "jobs@startup.io", "https://fintech.example"];
        let mut texts: Vec<String> =
            crate::eval::builtin_set().into_iter().map(|l| format!("{}\n{}", l.title, l.body)).collect();
        texts.push("연봉 4,000만원 ~ 6,000만원, 정규직, 핀테크 스타트업\nhr@toss.im https://toss.im".into());
        texts.push("$120k–$160k/year, contract, series A startup".into());
        texts.push("月薪 20k-35k，全职，金融科技 创业公司".into());
        for (i, text) in texts.iter().enumerate() {
            let f = super::Folded::new(text);
            assert_eq!(f.salary(), super::salary(text), "{text}");
            assert_eq!(f.employment_type(), super::employment_type(text), "{text}");
            assert_eq!(f.content_hash_and_simhash(), super::content_hash_and_simhash(text), "{text}");
            let company = companies[i % companies.len()];
            assert_eq!(
                f.industry_and_company_type(company),
                super::industry_and_company_type(&format!("{company}\n{text}")),
                "{company} / {text}"
            );
        }
    }

    #[test]
    fn bit_counts_are_the_plain_count() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for n in [0usize, 1, 2, 254, 255, 256, 1000, 4097] {
            let mut counts = super::BitCounts::default();
            let mut weights = [0i64; 64];
            for _ in 0..n {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // Skewed bits too: some almost always set, some almost never.
                let h = if n % 2 == 0 { x } else { x | (x >> 3) };
                counts.add(h);
                for (bit, w) in weights.iter_mut().enumerate() {
                    *w += if h >> bit & 1 == 1 { 1 } else { -1 };
                }
            }
            let plain = weights.iter().enumerate().fold(0u64, |acc, (b, &w)| if w > 0 { acc | 1 << b } else { acc });
            assert_eq!(counts.majority(), plain, "{n} hashes");
        }
    }

    #[test]
    fn a_posting_folded_with_its_extraction_is_folded_alone() {
        let t = crate::Taxonomy::builtin();
        let mut postings: Vec<(String, String)> =
            crate::eval::builtin_set().into_iter().map(|l| (l.title, l.body)).collect();
        postings.push(("Ｒｕｓｔ Engineer jobs@acme.io".into(), "https://acme.io/jobs\n연봉 5,000만원, 정규직".into()));
        for (title, body) in postings {
            let (x, f) = t.extract_posting_and_fold(&title, &body);
            let alone = super::Folded::new(&format!("{title}\n{body}"));
            assert_eq!(f.text, alone.text, "{title}");
            assert_eq!(format!("{x:?}"), format!("{:?}", t.extract_posting(&title, &body)));
        }
    }
}
