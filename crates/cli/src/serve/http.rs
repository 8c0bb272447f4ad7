//! HTTP helpers shared by the routes: percent-decoding of path segments,
//! relative links back to the site root, responses with a body ETag and
//! conditional GET, HTTP dates, the failure type every route returns (an
//! HTML page or JSON), and HTML escaping for the pages made here.

use std::hash::{Hash, Hasher};

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Decode `%XX` escapes (nothing else: `+` stays `+`). `None` for a
/// broken escape or a result that is not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3)?;
            let v = u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The relative way back to the site root from the page at `path`
/// (`/a/b` -> `../`), so that links work under any base path.
pub fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count().saturating_sub(1))
}

/// Escape text for HTML (`& < > " '`).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` for a UTC timestamp.
pub fn http_date(secs: i64) -> String {
    let t = jiff::Timestamp::from_second(secs).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    t.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// Parse an HTTP date (IMF-fixdate, the only form clients send today).
pub fn parse_http_date(s: &str) -> Option<i64> {
    let s = s.trim().strip_suffix("GMT")?.trim_end();
    let t = jiff::civil::DateTime::strptime("%a, %d %b %Y %H:%M:%S", s).ok()?;
    t.to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp().as_second())
}

/// Does the request's `If-None-Match` match `etag` (weak comparison)?
pub fn none_match(req: &HeaderMap, etag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    let want = bare(etag);
    req.get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == "*" || bare(t) == want)
}

/// A 200 response of `body` with a weak ETag from its bytes, or 304 when
/// the client already has them.
pub fn ok(req: &HeaderMap, content_type: &'static str, body: Vec<u8>) -> Response {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut h);
    let etag = format!("W/\"{:016x}-{:x}\"", h.finish(), body.len());
    let mut res = if none_match(req, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = Response::new(Body::from(body));
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        r
    };
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

/// Why a request failed, said to the reader.
#[derive(Debug)]
pub enum Fail {
    BadRequest(String),
    NotFound(String),
    Gone(String),
    Unavailable(String),
    Internal(String),
}

impl Fail {
    pub fn status(&self) -> StatusCode {
        match self {
            Fail::BadRequest(_) => StatusCode::BAD_REQUEST,
            Fail::NotFound(_) => StatusCode::NOT_FOUND,
            Fail::Gone(_) => StatusCode::GONE,
            Fail::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Fail::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Fail::BadRequest(m)
            | Fail::NotFound(m)
            | Fail::Gone(m)
            | Fail::Unavailable(m)
            | Fail::Internal(m) => m,
        }
    }

    /// An internal error: logged in full, told as "internal error".
    pub fn internal(e: impl std::fmt::Display) -> Fail {
        tracing::error!("{e:#}");
        Fail::Internal("internal error (see the server log)".into())
    }

    /// As a small HTML page in the site's look.
    pub fn html(&self, root: &str, title: &str) -> Response {
        let heading = match self {
            Fail::BadRequest(_) => "Bad request",
            Fail::NotFound(_) => "Not found",
            Fail::Gone(_) => "Gone",
            Fail::Unavailable(_) => "Unavailable",
            Fail::Internal(_) => "Server error",
        };
        let main = format!(
            "<h1>{heading}</h1>\n<p class=\"notice\">{}</p>\n<p><a href=\"{root}index.html\">{}</a></p>\n",
            esc(self.message()),
            esc(title)
        );
        let body = page(root, title, heading, "", &main);
        let mut r = (self.status(), body).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        r
    }

    /// As JSON: `{"error": "...", "status": 404}`.
    pub fn json(&self) -> Response {
        let body = serde_json::json!({ "error": self.message(), "status": self.status().as_u16() });
        let mut r = (self.status(), body.to_string()).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        r
    }
}

/// A whole HTML page in the look of the site's pages (base.html): the
/// site's style sheet, the list's name linking home, a search box.
/// `main` must be safe HTML; the other arguments are text.
pub fn page(root: &str, list_title: &str, title: &str, query: &str, main: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta name=\"referrer\" content=\"no-referrer\">\n\
<meta name=\"generator\" content=\"larch {version}\">\n\
<title>{title} — {list}</title>\n<link rel=\"stylesheet\" href=\"{root}larch.css\">\n\
</head>\n<body>\n<header class=\"site\">\n<a class=\"list\" href=\"{root}index.html\">{list}</a>\n\
<span class=\"sep\">›</span> <span>{title}</span>\n\
<form class=\"search\" action=\"{root}search\" method=\"get\" role=\"search\">\
<input type=\"search\" name=\"q\" value=\"{query}\" aria-label=\"Search the archive\" placeholder=\"Search\"> \
<button type=\"submit\">Search</button></form>\n</header>\n<main>\n{main}</main>\n\
<footer class=\"site\">Generated by <a href=\"https://crates.io/crates/larch\">larch</a> {version}</footer>\n\
</body>\n</html>\n",
        version = env!("CARGO_PKG_VERSION"),
        title = esc(title),
        list = esc(list_title),
        query = esc(query),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding() {
        assert_eq!(percent_decode("a%2Fb@c").as_deref(), Some("a/b@c"));
        assert_eq!(percent_decode("%3Ca+b%3E").as_deref(), Some("<a+b>"));
        assert_eq!(percent_decode("%2e%2E").as_deref(), Some(".."));
        assert_eq!(percent_decode("%"), None);
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%ff"), None);
    }

    #[test]
    fn roots_and_dates() {
        assert_eq!(root_of("/"), "");
        assert_eq!(root_of("/search"), "");
        assert_eq!(root_of("/m/abc"), "../");
        assert_eq!(root_of("/m/abc/raw"), "../../");
        assert_eq!(http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(parse_http_date("yesterday"), None);
    }

    #[test]
    fn etags_compare_weakly() {
        let mut h = HeaderMap::new();
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"x\", W/\"abc\""),
        );
        assert!(none_match(&h, "W/\"abc\""));
        assert!(none_match(&h, "\"abc\""));
        assert!(!none_match(&h, "\"abd\""));
    }
}
