//! Full-text search over HTTP: the query parameters, running a search
//! with the search module (hits joined with their pages and senders), and
//! `/search`, an HTML page in the site's look that works without
//! JavaScript: a form, highlighted hits, pagination, the query syntax.
//! A malformed query is a 400 with the parser's message, never a 500.

use std::sync::Arc;

use axum::extract::{Query, State as AxState};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use larch::build::{Archive, lookup};
use larch::search::{MAX_OFFSET, Sort, parse_query};

use super::State;
use super::http::{Fail, esc, page};

/// Hits per page unless asked otherwise.
pub const PER_PAGE: usize = 20;
/// Most hits per page a client may ask for.
pub const MAX_PER_PAGE: usize = 100;

/// What a search request asks.
#[derive(Clone, Debug)]
pub struct Params {
    pub q: String,
    pub sort: Sort,
    /// 1-based.
    pub page: usize,
    pub per_page: usize,
}

impl Params {
    /// From query-string pairs: `q`, `sort=relevance|date`, `page`, `limit`.
    /// Bad numbers fall back to the defaults; pages are bounded.
    pub fn from_pairs(pairs: &[(String, String)]) -> Params {
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        let per_page = get("limit")
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(PER_PAGE)
            .clamp(1, MAX_PER_PAGE);
        let page = get("page")
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(1usize)
            .clamp(1, MAX_OFFSET / per_page + 1);
        Params {
            q: get("q").unwrap_or("").to_owned(),
            sort: match get("sort") {
                Some("date") => Sort::Date,
                _ => Sort::Relevance,
            },
            page,
            per_page,
        }
    }

    pub fn sort_name(&self) -> &'static str {
        match self.sort {
            Sort::Relevance => "relevance",
            Sort::Date => "date",
        }
    }
}

/// One hit, joined with what the store knows.
#[derive(Clone, Debug)]
pub struct Found {
    pub num: u64,
    pub score: f32,
    pub date: i64,
    /// Escaped HTML, matches in `<mark>`.
    pub subject_html: String,
    pub snippet_html: String,
    pub message_id: String,
    /// The sender as the list shows it.
    pub from: String,
    /// Site-relative path of the message page.
    pub page: String,
}

/// A page of results.
#[derive(Clone, Debug, Default)]
pub struct Results {
    pub total: u64,
    pub hits: Vec<Found>,
}

/// Keep only our own `<mark>` tags: if anything else looks like markup,
/// fall back to escaping the text whole (defence in depth: the search
/// module already escapes).
pub fn only_marks(s: &str) -> String {
    let stripped = s.replace("<mark>", "").replace("</mark>", "");
    if !stripped.contains(['<', '>']) {
        return s.to_owned();
    }
    esc(&stripped)
}

/// Run a search (on a blocking thread).
pub fn run(st: &State, a: &Archive, p: &Params) -> Result<Results, Fail> {
    let query = parse_query(&p.q).map_err(|e| Fail::BadRequest(e.to_string()))?;
    let index = st.search_index()?;
    let offset = (p.page - 1) * p.per_page;
    let hits = index
        .search(&query, p.sort, offset, p.per_page)
        .map_err(Fail::internal)?;
    let mut out = Results {
        total: hits.total,
        hits: Vec::with_capacity(hits.hits.len()),
    };
    for h in hits.hits {
        // A hit the store no longer shows (removed since) is left out.
        let Some((loc, sum)) = lookup::message(a, h.num).map_err(Fail::internal)? else {
            continue;
        };
        if loc.removed {
            continue;
        }
        let (name, shown, _) = lookup::sender(a, &sum);
        out.hits.push(Found {
            num: h.num,
            score: h.score,
            date: h.date,
            subject_html: only_marks(&h.subject_html),
            snippet_html: only_marks(&h.snippet_html),
            message_id: sum.message_id.as_str().to_owned(),
            from: if name.is_empty() { shown } else { name },
            page: loc.page(),
        });
    }
    Ok(out)
}

/// Date as the index pages show it: `2015-06-04 05:23` in the list's zone.
pub fn short_date(st: &State, ts: i64) -> String {
    let t = jiff::Timestamp::from_second(ts).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    t.to_zoned_datetime(st.config.tz())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

fn href(p: &Params, page: usize, sort: &str) -> String {
    format!(
        "search?q={}&amp;sort={sort}&amp;page={page}",
        larch::render::urls::encode(&p.q)
    )
}

const SYNTAX: &str = "<details class=\"syntax\"><summary>Query syntax</summary><ul class=\"flat\">\
<li><code>word other</code> both words (in subject, sender or body); <code>\"a phrase\"</code>; <code>word*</code> prefix</li>\
<li><code>OR</code>, <code>AND</code>, <code>NOT</code>, <code>-word</code>, <code>( … )</code></li>\
<li><code>s:</code> subject, <code>f:</code> from, <code>t:</code> to, <code>c:</code> cc, <code>b:</code> body, \
<code>nq:</code> unquoted body, <code>q:</code> quoted body, <code>n:</code> attachment name, \
<code>m:</code> Message-ID, <code>l:</code> List-Id</li>\
<li><code>d:20240101..20240331</code> dates (either end open: <code>d:2024..</code>)</li></ul></details>\n";

/// `GET /search`: the search page.
pub async fn page_handler(
    AxState(st): AxState<Arc<State>>,
    Query(pairs): Query<Vec<(String, String)>>,
    _headers: HeaderMap,
) -> Response {
    let p = Params::from_pairs(&pairs);
    let title = st.title().to_owned();
    let mut main = String::from("<h1>Search</h1>\n");
    let status;
    if p.q.trim().is_empty() {
        status = StatusCode::OK;
        main.push_str(SYNTAX);
    } else {
        let params = p.clone();
        let res = st.read(move |st, a| run(st, a, &params)).await;
        match res {
            Ok(r) => {
                status = StatusCode::OK;
                results_html(&st, &p, &r, &mut main);
            }
            Err(f) => {
                status = f.status();
                main.push_str(&format!("<p class=\"notice\">{}</p>\n", esc(f.message())));
                main.push_str(SYNTAX);
            }
        }
    }
    let heading = if p.q.is_empty() {
        "Search".to_owned()
    } else {
        format!("Search: {}", p.q)
    };
    let body = page("", &title, &heading, &p.q, &main);
    let mut r = (status, body).into_response();
    if let Ok(v) = "text/html; charset=utf-8".parse() {
        r.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    r
}

fn results_html(st: &State, p: &Params, r: &Results, main: &mut String) {
    let sorts = ["relevance", "date"]
        .iter()
        .map(|s| {
            if *s == p.sort_name() {
                format!("<strong>[ {s} ]</strong>")
            } else {
                format!("<a href=\"{}\">[ {s} ]</a>", href(p, 1, s))
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    let plural = if r.total == 1 { "" } else { "s" };
    main.push_str(&format!(
        "<p class=\"count\">{} message{plural} match <b>{}</b>.</p>\n<nav class=\"sorts\">Sorted by {sorts}</nav>\n",
        r.total,
        esc(&p.q)
    ));
    let first = (p.page - 1) * p.per_page + 1;
    if !r.hits.is_empty() {
        main.push_str(&format!("<ol class=\"hits\" start=\"{first}\">\n"));
        for h in &r.hits {
            main.push_str(&format!(
                "<li><a href=\"{}\">{}</a> <span class=\"who\">{}</span> <time>{}</time><br><span class=\"snippet\">{}</span></li>\n",
                esc(&h.page),
                if h.subject_html.is_empty() { "(no subject)" } else { &h.subject_html },
                esc(&h.from),
                short_date(st, h.date),
                h.snippet_html
            ));
        }
        main.push_str("</ol>\n");
    }
    let last_page = (r.total as usize)
        .div_ceil(p.per_page)
        .min(MAX_OFFSET / p.per_page + 1);
    if last_page > 1 {
        main.push_str("<nav class=\"pages\">");
        if p.page > 1 {
            main.push_str(&format!(
                "<a href=\"{}\" rel=\"prev\">← Previous</a> ",
                href(p, p.page - 1, p.sort_name())
            ));
        }
        main.push_str(&format!("Page {} of {last_page}", p.page));
        if p.page < last_page {
            main.push_str(&format!(
                " <a href=\"{}\" rel=\"next\">Next →</a>",
                href(p, p.page + 1, p.sort_name())
            ));
        }
        main.push_str("</nav>\n");
    }
    main.push_str(SYNTAX);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_bounded() {
        let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter().map(|(a, b)| ((*a).into(), (*b).into())).collect()
        };
        let p = Params::from_pairs(&pairs(&[("q", "x"), ("page", "-3"), ("sort", "date")]));
        assert_eq!((p.page, p.sort, p.per_page), (1, Sort::Date, PER_PAGE));
        let p = Params::from_pairs(&pairs(&[("page", "99999999999"), ("limit", "100000")]));
        assert_eq!(p.per_page, MAX_PER_PAGE);
        assert!((p.page - 1) * p.per_page <= MAX_OFFSET);
    }

    #[test]
    fn marks_only() {
        assert_eq!(
            only_marks("a <mark>b</mark> &amp;"),
            "a <mark>b</mark> &amp;"
        );
        assert_eq!(
            only_marks("<script>x</script>"),
            "&lt;script&gt;x&lt;/script&gt;"
        );
        assert_eq!(only_marks("<mark onclick=x>"), "&lt;mark onclick=x&gt;");
    }
}
