//! Routes by Message-ID and the downloads made from the store:
//! `/m/<id>` (301 to the message page), `/m/<id>/raw`, `/t/<id>.atom`,
//! `/t/<id>.mbox.gz`, `/new.atom` and `<period>/NNNNNN.mbox`. Ids are
//! percent-encoded once (`/` as `%2F`), angle brackets optional.

use std::sync::Arc;

use axum::extract::{Request, State as AxState};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use larch::build::{Archive, lookup};

use super::State;
use super::files::{self, redirect};
use super::http::{Fail, ok, percent_decode, root_of};

/// Messages in `/new.atom`.
pub const NEW_FEED_LEN: usize = 50;

/// Percent-encode one path segment.
pub fn encode_segment(s: &str) -> String {
    larch::render::urls::encode(s)
}

fn find(a: &Archive, mid: &str) -> Result<Option<lookup::Located>, Fail> {
    lookup::find_message(a, mid).map_err(Fail::internal)
}

/// `/m/<id>` and `/m/<id>/raw`.
pub async fn permalink(AxState(st): AxState<Arc<State>>, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    let root = root_of(&path);
    let rest = path.strip_prefix("/m/").unwrap_or("");
    let (enc, raw) = match rest.strip_suffix("/raw") {
        Some(e) => (e, true),
        None => (rest.strip_suffix('/').unwrap_or(rest), false),
    };
    let title = st.title().to_owned();
    let Some(mid) = percent_decode(enc).filter(|m| !m.trim().is_empty()) else {
        return Fail::NotFound("That is not a Message-ID.".into()).html(&root, &title);
    };
    let headers = req.headers().clone();
    let res = st
        .read(move |_, a| {
            let Some(loc) = find(a, &mid)? else {
                return Err(Fail::NotFound(format!(
                    "No message with Message-ID <{}> in this archive.",
                    mid.trim_start_matches('<').trim_end_matches('>')
                )));
            };
            if !raw {
                return Ok(redirect(
                    StatusCode::MOVED_PERMANENTLY,
                    &format!("{root}{}", loc.page()),
                ));
            }
            if loc.removed {
                return Err(Fail::Gone(
                    "This message was removed by the list administrator.".into(),
                ));
            }
            let bytes = lookup::raw(a, loc.num)
                .map_err(Fail::internal)?
                .ok_or_else(|| Fail::Gone("This message's bytes are gone.".into()))?;
            Ok(ok(&headers, "text/plain; charset=utf-8", bytes))
        })
        .await;
    res.unwrap_or_else(|f| f.html(&root_of(&path), &title))
}

/// `/t/<id>.atom` and `/t/<id>.mbox.gz`; other names under `t/` are files.
pub async fn thread(AxState(st): AxState<Arc<State>>, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    let seg = path.strip_prefix("/t/").unwrap_or("");
    let (enc, atom) = if let Some(e) = seg.strip_suffix(".atom") {
        (e, true)
    } else if let Some(e) = seg.strip_suffix(".mbox.gz") {
        (e, false)
    } else {
        return files::serve(AxState(st), req).await;
    };
    let Some(mid) = percent_decode(enc).filter(|m| !m.is_empty()) else {
        return files::serve(AxState(st), req).await;
    };
    let headers = req.headers().clone();
    let res = st
        .read(move |_, a| {
            // Once-encoded ids, or the `t/` file names (encoded twice in links).
            let mut loc = find(a, &mid)?;
            if loc.is_none()
                && let Some(again) = percent_decode(&mid).filter(|m| *m != mid)
            {
                loc = find(a, &again)?;
            }
            let Some(loc) = loc else {
                return Ok(None);
            };
            if loc.removed {
                return Err(Fail::Gone(
                    "This message was removed by the list administrator.".into(),
                ));
            }
            if atom {
                let feed = lookup::thread_feed(a, loc.num)
                    .map_err(Fail::internal)?
                    .ok_or_else(|| Fail::NotFound("No such thread.".into()))?;
                let xml = larch::render::feed::atom(&feed).into_bytes();
                return Ok(Some(ok(
                    &headers,
                    "application/atom+xml; charset=utf-8",
                    xml,
                )));
            }
            let nums = lookup::thread_nums(a, loc.num).map_err(Fail::internal)?;
            let gz = lookup::thread_mbox_gz(a, &nums).map_err(Fail::internal)?;
            let mut r = ok(&headers, "application/gzip", gz);
            let name = format!("{}.mbox.gz", lookup::thread_file_stem(&mid));
            if let Ok(v) = HeaderValue::from_str(&files::disposition(&name)) {
                r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
            }
            Ok(Some(r))
        })
        .await;
    match res {
        Ok(Some(r)) => r,
        Ok(None) => files::serve(AxState(st), req).await,
        Err(f) => f.html(&root_of(&path), st.title()),
    }
}

/// `/new.atom`: the newest messages.
pub async fn new_atom(AxState(st): AxState<Arc<State>>, headers: HeaderMap) -> Response {
    let res = st
        .read(move |_, a| {
            let feed = lookup::new_feed(a, NEW_FEED_LEN).map_err(Fail::internal)?;
            let xml = larch::render::feed::atom(&feed).into_bytes();
            Ok(ok(&headers, "application/atom+xml; charset=utf-8", xml))
        })
        .await;
    res.unwrap_or_else(|f| f.html("", st.title()))
}

/// `<period>/NNNNNN.mbox`: one message as an mboxrd, when `segs` names
/// one (`None` otherwise).
pub async fn message_mbox(
    st: &Arc<State>,
    segs: &[String],
    headers: &HeaderMap,
) -> Option<Result<Response, Fail>> {
    let [period, file] = segs else {
        return None;
    };
    let digits = file.strip_suffix(".mbox")?;
    if digits.len() < 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let num: u64 = digits.parse().ok()?;
    if digits != format!("{num:06}") {
        return None;
    }
    let (period, headers) = (period.clone(), headers.clone());
    Some(
        st.read(move |_, a| {
            let loc = lookup::locate(a, num)
                .map_err(Fail::internal)?
                .filter(|l| l.period == period)
                .ok_or_else(|| Fail::NotFound("No such message.".into()))?;
            if loc.removed {
                return Err(Fail::Gone(
                    "This message was removed by the list administrator.".into(),
                ));
            }
            let mbox = lookup::message_mbox(a, num)
                .map_err(Fail::internal)?
                .ok_or_else(|| Fail::Gone("This message's bytes are gone.".into()))?;
            Ok(ok(&headers, "application/mbox", mbox))
        })
        .await,
    )
}
