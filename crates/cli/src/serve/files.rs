//! The built site's files: safe path resolution (no traversal, no
//! dotfiles, nothing outside the site), content types, ETag and
//! Last-Modified with conditional GET, and attachments that could run or
//! render active content served as downloads in a sandbox. Files are
//! opened per request, so `larch add`/`remove` show at once. A missing
//! `<period>/NNNNNN.mbox` is answered from the store (see routes.rs).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State as AxState};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower_http::services::ServeFile;

use super::State;
use super::http::{Fail, http_date, none_match, parse_http_date, percent_decode, root_of};

/// CSP of attachments shown inline (images, plain text).
const INLINE_CSP: &str = "sandbox; default-src 'none'; img-src 'self'";
/// CSP of attachments served as downloads.
const DOWNLOAD_CSP: &str = "sandbox; default-src 'none'";

/// Where a request path leads inside the site.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// A file or directory: the path's decoded segments.
    Path(Vec<String>),
    /// Refused: traversal, dotfile, bad escape, NUL or backslash.
    Refused,
}

/// Decode and check each segment of a request path. A segment may not be
/// empty (but the last), start with `.` (`.`, `..`, dotfiles), or contain
/// `/`, `\` or NUL once decoded.
pub fn resolve(path: &str) -> Target {
    let Some(rest) = path.strip_prefix('/') else {
        return Target::Refused;
    };
    let raw: Vec<&str> = rest.split('/').collect();
    let mut segs = Vec::with_capacity(raw.len());
    for (i, r) in raw.iter().enumerate() {
        if r.is_empty() && i + 1 == raw.len() {
            break;
        }
        let Some(s) = percent_decode(r) else {
            return Target::Refused;
        };
        if s.is_empty() || s.starts_with('.') || s.contains(['/', '\\', '\0']) {
            return Target::Refused;
        }
        segs.push(s);
    }
    Target::Path(segs)
}

/// Content type by file name.
pub fn content_type(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "txt" | "text" | "patch" | "diff" | "log" | "asc" => "text/plain; charset=utf-8",
        "gz" | "tgz" => "application/gzip",
        "atom" => "application/atom+xml; charset=utf-8",
        "json" => "application/json",
        "mbox" => "application/mbox",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "bmp" => "image/bmp",
        "pdf" => "application/pdf",
        "eml" => "message/rfc822",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

/// May an attachment with this name and type be shown in the browser?
/// Only raster images and plain text; everything else (HTML, SVG, XML,
/// scripts, PDF, unknown) is a download.
fn inline_ok(name: &str, ctype: &str) -> bool {
    let safe = ctype.starts_with("image/") || ctype.starts_with("text/plain");
    safe && !larch::render::body::is_active_type(ctype, name)
}

/// A quoted `filename=` value: ASCII letters, digits and `.-_` only.
pub fn disposition(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("attachment; filename=\"{clean}\"")
}

/// Serve a file of the site (the router's fallback).
pub async fn serve(AxState(st): AxState<Arc<State>>, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    let root = root_of(&path);
    let fail = |f: Fail| f.html(&root, st.title());
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        let mut r = StatusCode::METHOD_NOT_ALLOWED.into_response();
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let Target::Path(segs) = resolve(&path) else {
        return fail(Fail::NotFound("No such page.".into()));
    };
    let mut file: PathBuf = st.site.clone();
    file.extend(&segs);
    let (site, slash) = (st.site.clone(), path.ends_with('/'));
    let read = *req.method() == Method::GET && !req.headers().contains_key(header::RANGE);
    let found = tokio::task::spawn_blocking(move || find(&site, file, slash, read))
        .await
        .unwrap_or(Found::Missing);
    match found {
        Found::File(file, stamp, bytes) => respond(&file, &segs, stamp, bytes, req).await,
        Found::Dir => {
            let last = segs.last().map_or("", String::as_str);
            let to = format!("{}/", super::routes::encode_segment(last));
            redirect(StatusCode::PERMANENT_REDIRECT, &to)
        }
        Found::Missing => {
            if let Some(r) = super::routes::message_mbox(&st, &segs, req.headers()).await {
                return r.unwrap_or_else(fail);
            }
            fail(Fail::NotFound("No such page.".into()))
        }
    }
}

/// Files up to this size are read in the same blocking call that checks
/// them; larger ones (and Range requests) are streamed by `ServeFile`.
const SMALL: u64 = 256 * 1024;

/// What a checked path is.
enum Found {
    /// A regular file inside the site: its path, stamp, and its bytes
    /// when small and wanted.
    File(PathBuf, Stamp, Option<Vec<u8>>),
    /// A directory asked for without its final `/`.
    Dir,
    /// Missing, not a regular file, or outside the site.
    Missing,
}

/// Check `file` in one blocking call: a directory's `index.html`, nothing
/// outside `site` (symbolic links resolved), and read it when small.
fn find(site: &Path, mut file: PathBuf, slash: bool, read: bool) -> Found {
    let Ok(meta) = std::fs::metadata(&file) else {
        return Found::Missing;
    };
    if meta.is_dir() {
        if !slash {
            return Found::Dir;
        }
        file.push("index.html");
    }
    // Nothing outside the site, even through a symbolic link.
    match std::fs::canonicalize(&file) {
        Ok(real) if real.starts_with(site) => {}
        _ => return Found::Missing,
    }
    let Ok(mut f) = std::fs::File::open(&file) else {
        return Found::Missing;
    };
    let meta = match f.metadata() {
        Ok(m) if m.is_file() => m,
        _ => return Found::Missing,
    };
    let mut bytes = None;
    if read && meta.len() <= SMALL {
        let mut b = Vec::with_capacity(meta.len() as usize);
        if std::io::Read::read_to_end(&mut f, &mut b).is_err() {
            return Found::Missing;
        }
        bytes = Some(b);
    }
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .unwrap_or_default();
    Found::File(
        file,
        Stamp {
            len: meta.len(),
            mtime,
        },
        bytes,
    )
}

/// What the validators are made of: size and modification time.
#[derive(Clone, Copy, Debug)]
struct Stamp {
    len: u64,
    mtime: std::time::Duration,
}

/// Send `file` with validators, conditional GET and its headers.
async fn respond(
    file: &Path,
    segs: &[String],
    stamp: Stamp,
    bytes: Option<Vec<u8>>,
    req: Request,
) -> Response {
    let mtime = stamp.mtime;
    let etag = format!("W/\"{:x}-{:x}\"", stamp.len, mtime.as_nanos());
    let last_modified = http_date(mtime.as_secs() as i64);
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let ctype = content_type(name);
    let headers = req.headers();
    let not_modified = if headers.contains_key(header::IF_NONE_MATCH) {
        none_match(headers, &etag)
    } else {
        headers
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_http_date)
            .is_some_and(|since| mtime.as_secs() as i64 <= since)
    };
    let mut res = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else if let Some(bytes) = bytes {
        let mut r = Response::new(Body::from(bytes));
        r.headers_mut()
            .insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
        r
    } else {
        // ServeFile streams the body (and answers Range requests).
        let (mut parts, _) = req.into_parts();
        parts.headers.remove(header::IF_NONE_MATCH);
        parts.headers.remove(header::IF_MODIFIED_SINCE);
        let req = Request::from_parts(parts, Body::empty());
        let mut sf = ServeFile::new(file);
        match sf.try_call(req).await {
            Ok(r) => r.map(Body::new),
            Err(e) => return Fail::internal(e).html("", "larch"),
        }
    };
    let modified = res.status() != StatusCode::NOT_MODIFIED;
    let h = res.headers_mut();
    h.insert(header::ETAG, hv(&etag));
    h.insert(header::LAST_MODIFIED, hv(&last_modified));
    h.remove(header::CONTENT_TYPE);
    if modified {
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    }
    let attachment = segs.len() >= 3 && segs[segs.len() - 3] == "attachments";
    if attachment {
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("max-age=86400"),
        );
        if inline_ok(name, ctype) {
            h.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(INLINE_CSP),
            );
        } else {
            h.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(DOWNLOAD_CSP),
            );
            h.insert(header::CONTENT_DISPOSITION, hv(&disposition(name)));
        }
    } else {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    res
}

fn hv(s: &str) -> HeaderValue {
    HeaderValue::from_str(s).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A redirect to `to` (relative or absolute).
pub fn redirect(status: StatusCode, to: &str) -> Response {
    let mut r = status.into_response();
    r.headers_mut().insert(header::LOCATION, hv(to));
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_and_dotfiles_are_refused() {
        for p in [
            "/../etc/passwd",
            "/a/../b",
            "/%2e%2e/x",
            "/%2E%2e%2fetc",
            "/.larch-site.json",
            "/a/.hidden",
            "/a%2Fb",
            "/a%5cb",
            "/a%00",
            "/a//b",
            "/%zz",
            "relative",
        ] {
            assert_eq!(resolve(p), Target::Refused, "{p}");
        }
        assert_eq!(resolve("/"), Target::Path(vec![]));
        assert_eq!(
            resolve("/2025-May/000001.html"),
            Target::Path(vec!["2025-May".into(), "000001.html".into()])
        );
        assert_eq!(resolve("/a%20b/"), Target::Path(vec!["a b".into()]));
    }

    #[test]
    fn attachments_inline_only_when_passive() {
        assert!(inline_ok("1-a.png", content_type("1-a.png")));
        assert!(inline_ok("1-a.txt", content_type("1-a.txt")));
        for n in [
            "1-a.svg.bin",
            "1-a.pdf",
            "1-a.html.bin",
            "1-x",
            "1-a.eml",
            "1-a.html.txt",
        ] {
            assert!(!inline_ok(n, content_type(n)), "{n}");
        }
        assert_eq!(
            disposition("1-ä \"x\".pdf"),
            "attachment; filename=\"1-___x_.pdf\""
        );
    }
}
