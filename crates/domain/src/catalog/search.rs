//! Chinese full-text search over the catalog, for citizens who type what
//! they want in their own words ("营业执照", "开饭店", "社保").
//!
//! Text is cut into words with jieba (search mode, HMM on) and ranked with
//! BM25 over weighted fields: the name counts most, then the keywords, then
//! the materials and 办理须知, then the category and legal basis. Character
//! bigrams of the name and keywords catch partial words that jieba keeps
//! whole (执照 finds 营业执照), a small table expands everyday abbreviations
//! (社保 → 社会保险), and a query found whole in a name gets a boost.

use super::Matter;
use super::MatterCode;
use jieba_rs::Jieba;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::LazyLock;

/// Loading jieba's dictionary is costly, so the process shares one.
static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// BM25's term-frequency saturation.
const K1: f64 = 1.2;
/// BM25's length normalisation.
const B: f64 = 0.75;

const NAME_WEIGHT: f64 = 3.0;
const KEYWORD_WEIGHT: f64 = 2.5;
const BODY_WEIGHT: f64 = 0.6;
const META_WEIGHT: f64 = 0.3;
const BIGRAM_WEIGHT: f64 = 1.0;
/// Added when the whole query appears in a matter's name.
const NAME_SUBSTRING_BOOST: f64 = 4.0;
/// Added when the whole query is one of a matter's keywords.
const KEYWORD_EXACT_BOOST: f64 = 3.0;
/// Added when the query is the matter's code.
const CODE_BOOST: f64 = 10.0;
/// How much a term from the abbreviation table counts against one typed.
const EXPANSION_WEIGHT: f64 = 0.8;
/// Hits scoring below this share of the best hit are left out: they matched
/// on a stray character pair (营业执照 finding every 用电报装 through 业执),
/// and a long tail of them buries the answers a citizen is looking for.
const RELATIVE_CUTOFF: f64 = 0.05;

/// Everyday words and the catalog's words for them. A query containing the
/// left side also searches for the right side.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("社保", "社会保险"),
    ("医保", "医疗保险 医疗保障"),
    ("公积金", "住房公积金"),
    ("户口", "户籍"),
    ("落户", "户籍 迁入"),
    ("身份证", "居民身份证"),
    ("开饭店", "餐饮 食品经营"),
    ("开餐馆", "餐饮 食品经营"),
    ("开店", "个体工商户 营业执照"),
    ("开公司", "企业设立 营业执照"),
    ("个体户", "个体工商户"),
    ("办电", "用电 电力"),
    ("接电", "用电 电力"),
    ("办水", "用水 供水"),
    ("接水", "用水 供水"),
    ("办气", "用气 燃气"),
    ("养老金", "养老保险"),
    ("失业金", "失业保险金"),
    ("低保", "最低生活保障"),
    ("房产证", "不动产登记 不动产权"),
    ("驾照", "驾驶证"),
    ("结婚", "婚姻登记"),
    ("离婚", "婚姻登记"),
    ("生孩子", "出生 生育"),
    ("准生证", "生育登记"),
    ("残疾证", "残疾人证"),
    ("公租房", "公共租赁住房"),
    ("退税", "出口退税"),
];

/// Words a query may carry that say nothing about which matter is meant.
const QUERY_STOPWORDS: &[&str] = &[
    "的", "了", "和", "与", "及", "或", "在", "我", "我要", "想", "要", "怎么", "怎样", "如何",
    "什么", "哪里", "去", "办", "办理", "需要", "吗", "呢",
];

/// One matter found by a search, with how well it matched.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The matter's code.
    pub code: MatterCode,
    /// Relevance: higher is better; only comparable within one search.
    pub score: f64,
}

/// An inverted index over a set of matters, built once and searched many times.
pub struct SearchIndex {
    codes: Vec<MatterCode>,
    /// Normalised names, for the whole-query boost.
    names: Vec<String>,
    /// Normalised keywords, for the exact-keyword boost.
    keywords: Vec<Vec<String>>,
    name: Field,
    keyword: Field,
    body: Field,
    meta: Field,
    bigram: Field,
}

impl fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SearchIndex")
            .field("matters", &self.codes.len())
            .finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Indexes the matters' names, keywords, materials, 办理须知, category
    /// and legal basis.
    pub fn build(matters: &[Matter]) -> SearchIndex {
        let docs = |f: &dyn Fn(&Matter) -> Vec<String>| matters.iter().map(f).collect::<Vec<_>>();
        let keywords: Vec<Vec<String>> =
            docs(&|m| m.keywords.iter().map(|k| normalize(k)).collect());
        SearchIndex {
            codes: matters.iter().map(|m| m.code.clone()).collect(),
            names: matters.iter().map(|m| normalize(&m.name)).collect(),
            name: Field::new(NAME_WEIGHT, docs(&|m| words(&m.name))),
            keyword: Field::new(
                KEYWORD_WEIGHT,
                keywords.iter().map(|ks| words_of(ks)).collect(),
            ),
            body: Field::new(
                BODY_WEIGHT,
                docs(&|m| {
                    let mut w: Vec<String> =
                        m.materials.iter().flat_map(|x| words(&x.name)).collect();
                    w.extend(words(&m.description));
                    w
                }),
            ),
            meta: Field::new(
                META_WEIGHT,
                docs(&|m| [words(m.category.label_zh()), words(&m.legal_basis)].concat()),
            ),
            bigram: Field::new(
                BIGRAM_WEIGHT,
                docs(&|m| {
                    let mut b = bigrams(&normalize(&m.name));
                    b.extend(m.keywords.iter().flat_map(|k| bigrams(&normalize(k))));
                    b
                }),
            ),
            keywords,
        }
    }

    /// The matters that match `query`, best first, at most `limit` of them.
    /// Equal scores are ordered by code, so the order is always the same.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let q = Query::parse(query);
        if q.is_empty() || limit == 0 {
            return Vec::new();
        }
        let mut scores = vec![0.0; self.codes.len()];
        for (term, weight) in &q.words {
            for field in [&self.name, &self.keyword, &self.body, &self.meta] {
                field.score(term, *weight, &mut scores);
            }
        }
        for (term, weight) in &q.bigrams {
            self.bigram.score(term, *weight, &mut scores);
        }
        // Boosts only lift matters the terms already found, so a query that
        // matches nothing stays empty; a matter's own code always finds it.
        for (i, score) in scores.iter_mut().enumerate() {
            if *score > 0.0 {
                *score += self.boost(i, &q);
            }
            if q.trimmed.eq_ignore_ascii_case(self.codes[i].as_str()) {
                *score += CODE_BOOST;
            }
        }
        let mut hits: Vec<Hit> = scores
            .into_iter()
            .zip(&self.codes)
            .filter(|(s, _)| *s > 0.0)
            .map(|(score, code)| Hit {
                code: code.clone(),
                score,
            })
            .collect();
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.code.cmp(&b.code))
        });
        if let Some(best) = hits.first().map(|h| h.score) {
            hits.retain(|h| h.score >= best * RELATIVE_CUTOFF);
        }
        hits.truncate(limit);
        hits
    }

    fn boost(&self, doc: usize, q: &Query) -> f64 {
        let mut boost = 0.0;
        let name = &self.names[doc];
        if q.compact.chars().count() >= 2 && name.contains(&q.compact) {
            boost += NAME_SUBSTRING_BOOST;
        } else if q.expansions.iter().any(|e| name.contains(e.as_str())) {
            boost += NAME_SUBSTRING_BOOST * EXPANSION_WEIGHT;
        }
        if self.keywords[doc].contains(&q.compact) {
            boost += KEYWORD_EXACT_BOOST;
        }
        boost
    }
}

/// A query cut into weighted terms.
struct Query {
    /// The query normalised and trimmed, to compare with codes.
    trimmed: String,
    /// The query normalised, with spaces and punctuation removed.
    compact: String,
    /// Jieba words, typed or from the abbreviation table, with their weights.
    words: BTreeMap<String, f64>,
    /// Character bigrams, typed or from the abbreviation table.
    bigrams: BTreeMap<String, f64>,
    /// The abbreviation table's phrases this query brought in.
    expansions: Vec<String>,
}

impl Query {
    fn parse(query: &str) -> Query {
        let normal = normalize(query);
        let compact: String = normal.chars().filter(|c| c.is_alphanumeric()).collect();
        let expansions: Vec<String> = ABBREVIATIONS
            .iter()
            .filter(|(short, _)| compact.contains(short))
            .flat_map(|(_, long)| long.split_whitespace().map(str::to_owned))
            .collect();
        let mut q = Query {
            trimmed: normal.trim().to_owned(),
            compact,
            words: BTreeMap::new(),
            bigrams: BTreeMap::new(),
            expansions,
        };
        let typed = words(&normal);
        let has_long = typed.iter().any(|w| w.chars().count() > 1);
        for w in typed {
            if QUERY_STOPWORDS.contains(&w.as_str()) || (has_long && w.chars().count() == 1) {
                continue;
            }
            add(&mut q.words, w, 1.0);
        }
        // Spaces inside Chinese text are often arbitrary (营业 执照), so
        // bigrams run across them.
        for b in bigrams(&q.compact) {
            add(&mut q.bigrams, b, 1.0);
        }
        for e in &q.expansions {
            for w in words(e) {
                add(&mut q.words, w, EXPANSION_WEIGHT);
            }
            for b in bigrams(e) {
                add(&mut q.bigrams, b, EXPANSION_WEIGHT);
            }
        }
        q
    }

    fn is_empty(&self) -> bool {
        self.words.is_empty() && self.bigrams.is_empty() && self.trimmed.is_empty()
    }
}

/// Keeps a term once, at the highest weight it was given.
fn add(terms: &mut BTreeMap<String, f64>, term: String, weight: f64) {
    let w = terms.entry(term).or_insert(weight);
    *w = w.max(weight);
}

/// One field of every matter: its terms' postings and lengths, for BM25.
struct Field {
    weight: f64,
    postings: HashMap<String, Vec<(usize, u32)>>,
    lens: Vec<f64>,
    avg_len: f64,
}

impl Field {
    fn new(weight: f64, docs: Vec<Vec<String>>) -> Field {
        let mut postings: HashMap<String, Vec<(usize, u32)>> = HashMap::new();
        let mut lens = Vec::with_capacity(docs.len());
        for (doc, terms) in docs.into_iter().enumerate() {
            lens.push(terms.len() as f64);
            let mut tf: BTreeMap<String, u32> = BTreeMap::new();
            for t in terms {
                *tf.entry(t).or_default() += 1;
            }
            for (t, n) in tf {
                postings.entry(t).or_default().push((doc, n));
            }
        }
        let avg_len = if lens.is_empty() {
            0.0
        } else {
            lens.iter().sum::<f64>() / lens.len() as f64
        };
        Field {
            weight,
            postings,
            lens,
            avg_len,
        }
    }

    /// Adds this field's BM25 score for `term` to every matter holding it.
    fn score(&self, term: &str, query_weight: f64, scores: &mut [f64]) {
        let Some(posting) = self.postings.get(term) else {
            return;
        };
        let n = self.lens.len() as f64;
        let df = posting.len() as f64;
        let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
        for &(doc, tf) in posting {
            let tf = f64::from(tf);
            let norm = if self.avg_len > 0.0 {
                self.lens[doc] / self.avg_len
            } else {
                1.0
            };
            let part = tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * norm));
            scores[doc] += self.weight * query_weight * idf * part;
        }
    }
}

/// Folds full-width letters and digits to ASCII and lowercases, so ＳＯＳ,
/// SOS and sos are one word.
fn normalize(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The jieba words (search mode) of normalised text, without punctuation.
fn words(text: &str) -> Vec<String> {
    let text = normalize(text);
    JIEBA
        .cut_for_search(&text, true)
        .into_iter()
        .map(|t| t.word.trim())
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .map(str::to_owned)
        .collect()
}

fn words_of(texts: &[String]) -> Vec<String> {
    texts.iter().flat_map(|t| words(t)).collect()
}

/// Bigrams of each run of Chinese characters in `text`.
fn bigrams(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut run: Vec<char> = Vec::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if is_han(c) {
            run.push(c);
        } else {
            out.extend(run.windows(2).map(|w| w.iter().collect::<String>()));
            run.clear();
        }
    }
    out
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}
