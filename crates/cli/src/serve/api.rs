//! `/api/...`: read-only JSON for lists, periods, messages, threads and
//! search (documented field by field in docs/api.md). URLs in answers are
//! relative to the site root. Addresses follow the list's
//! `obfuscate_addresses`, as on the pages. Errors are
//! `{"error": "...", "status": N}`.

use std::sync::Arc;

use axum::extract::{Query, State as AxState};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use larch::build::{Archive, lookup};
use larch::model::Summary;
use larch::render::feed::rfc3339;
use larch::render::urls;
use serde_json::{Value, json};

use super::State;
use super::http::{Fail, ok, percent_decode};
use super::search::{Params, run};

type Answer = Result<Value, Fail>;

async fn answer<F>(st: Arc<State>, headers: HeaderMap, f: F) -> Response
where
    F: FnOnce(&State, &Archive) -> Answer + Send + 'static,
{
    answer_text(st, headers, move |st, a| f(st, a).map(|v| v.to_string())).await
}

/// Like `answer`, for JSON already written as text.
async fn answer_text<F>(st: Arc<State>, headers: HeaderMap, f: F) -> Response
where
    F: FnOnce(&State, &Archive) -> Result<String, Fail> + Send + 'static,
{
    match st.read(f).await {
        Ok(mut text) => {
            text.push('\n');
            ok(&headers, "application/json", text.into_bytes())
        }
        Err(fail) => fail.json(),
    }
}

fn internal(e: larch::Error) -> Fail {
    Fail::internal(e)
}

/// The path after `prefix`, percent-decoded (`None` when empty or broken).
fn tail(uri: &Uri, prefix: &str) -> Option<String> {
    let rest = uri.path().strip_prefix(prefix)?;
    percent_decode(rest.strip_suffix('/').unwrap_or(rest)).filter(|s| !s.is_empty())
}

/// `/m/<id>`, `/t/<id>.atom`... for a Message-ID.
fn mid_url(kind: &str, mid: &str, suffix: &str) -> String {
    format!("{kind}/{}{suffix}", urls::encode(mid))
}

fn from(a: &Archive, s: &Summary) -> Value {
    let (name, shown, _) = lookup::sender(a, s);
    json!({ "name": name, "address": shown })
}

fn thread_ref(first_mid: &str) -> Value {
    json!({
        "id": first_mid,
        "api": mid_url("api/threads", first_mid, ""),
        "atom": mid_url("t", first_mid, ".atom"),
        "mbox": mid_url("t", first_mid, ".mbox.gz"),
    })
}

/// `GET /api/lists`
pub async fn lists(AxState(st): AxState<Arc<State>>, headers: HeaderMap) -> Response {
    answer(st, headers, |st, a| {
        let periods = lookup::periods(a).map_err(internal)?;
        let live: u64 = periods.iter().map(|p| p.live).sum();
        let c = &st.config;
        Ok(json!({ "lists": [{
            "name": c.name,
            "title": st.title(),
            "address": c.address,
            "period": format!("{:?}", c.period).to_lowercase(),
            "timezone": c.timezone,
            "messages": live,
            "periods": periods.len(),
            "url": "index.html",
            "feed": "new.atom",
        }]}))
    })
    .await
}

/// `GET /api/periods`
pub async fn periods(AxState(st): AxState<Arc<State>>, headers: HeaderMap) -> Response {
    answer(st, headers, |st, a| {
        let rows = lookup::periods(a).map_err(internal)?;
        let list: Vec<Value> = rows
            .iter()
            .map(|p| {
                json!({
                    "name": p.name,
                    "label": larch::render::period_label(&p.name, st.config.period),
                    "messages": p.live,
                    "url": urls::index_path(&p.name, "thread"),
                    "download": urls::download_path(&p.name),
                    "api": format!("api/periods/{}", urls::encode(&p.name)),
                })
            })
            .collect();
        Ok(json!({ "periods": list }))
    })
    .await
}

/// `GET /api/periods/<period>`
pub async fn period(AxState(st): AxState<Arc<State>>, uri: Uri, headers: HeaderMap) -> Response {
    let Some(name) = tail(&uri, "/api/periods/") else {
        return Fail::NotFound("no such period".into()).json();
    };
    answer(st, headers, move |st, a| {
        let rows = lookup::period_nums(a, &name).map_err(internal)?;
        if rows.is_empty() {
            return Err(Fail::NotFound(format!("no period {name:?}")));
        }
        let live: Vec<u64> = rows.iter().filter(|r| !r.1).map(|r| r.0).collect();
        let firsts = lookup::thread_firsts(a, &live).map_err(internal)?;
        let mut msgs = Vec::with_capacity(rows.len());
        for (num, removed) in rows {
            let Some((loc, s)) = lookup::message(a, num).map_err(internal)? else {
                continue;
            };
            if removed || loc.removed {
                msgs.push(json!({ "num": num, "removed": true, "url": loc.page() }));
                continue;
            }
            let first = firsts.get(&num).copied().unwrap_or(num);
            let first_mid = if first == num {
                s.message_id.as_str().to_owned()
            } else {
                lookup::message(a, first)
                    .map_err(internal)?
                    .map(|(_, f)| f.message_id.as_str().to_owned())
                    .unwrap_or_default()
            };
            msgs.push(json!({
                "num": num,
                "message_id": s.message_id.as_str(),
                "subject": s.subject,
                "from": from(a, &s),
                "date": rfc3339(s.filed_at),
                "url": loc.page(),
                "thread": first_mid,
            }));
        }
        Ok(json!({
            "name": name,
            "label": larch::render::period_label(&name, st.config.period),
            "messages": msgs,
        }))
    })
    .await
}

/// A number (all digits) or a Message-ID (angle brackets optional).
fn resolve(a: &Archive, id: &str) -> Result<lookup::Located, Fail> {
    let by_num = if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
        id.parse().ok()
    } else {
        None
    };
    let found = match by_num {
        Some(n) => lookup::locate(a, n).map_err(internal)?,
        None => lookup::find_message(a, id).map_err(internal)?,
    };
    found.ok_or_else(|| Fail::NotFound(format!("no message {id:?}")))
}

/// `GET /api/messages/<num or Message-ID>`
pub async fn message(AxState(st): AxState<Arc<State>>, uri: Uri, headers: HeaderMap) -> Response {
    let Some(id) = tail(&uri, "/api/messages/") else {
        return Fail::NotFound("no such message".into()).json();
    };
    answer(st, headers, move |_, a| {
        let loc = resolve(a, &id)?;
        let (loc, s) = lookup::message(a, loc.num)
            .map_err(internal)?
            .ok_or_else(|| Fail::NotFound(format!("no message {id:?}")))?;
        if loc.removed {
            let r = lookup::removal(a, loc.num).map_err(internal)?;
            return Ok(json!({
                "num": loc.num,
                "removed": true,
                "url": loc.page(),
                "removed_at": r.as_ref().map(|r| rfc3339(r.removed_at)),
                "reason": r.map(|r| r.reason),
            }));
        }
        let firsts = lookup::thread_firsts(a, &[loc.num]).map_err(internal)?;
        let first = firsts.get(&loc.num).copied().unwrap_or(loc.num);
        let first_mid = match lookup::message(a, first).map_err(internal)? {
            Some((_, f)) => f.message_id.as_str().to_owned(),
            None => s.message_id.as_str().to_owned(),
        };
        let mid = s.message_id.as_str();
        Ok(json!({
            "num": loc.num,
            "removed": false,
            "message_id": mid,
            "synthetic_id": s.synthetic_id,
            "subject": s.subject,
            "from": from(a, &s),
            "date": rfc3339(s.filed_at),
            "date_header": s.date.map(rfc3339),
            "period": loc.period,
            "in_reply_to": s.in_reply_to.as_ref().map(|m| m.as_str()),
            "references": s.references.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
            "list_id": s.list_id,
            "size": s.size,
            "attachments": s.attachments,
            "url": loc.page(),
            "raw_url": mid_url("m", mid, "/raw"),
            "mbox_url": format!("{}/{:06}.mbox", loc.period, loc.num),
            "permalink": mid_url("m", mid, ""),
            "thread": thread_ref(&first_mid),
        }))
    })
    .await
}

/// `GET /api/threads/<Message-ID or num>`: the thread as nested JSON.
pub async fn thread(AxState(st): AxState<Arc<State>>, uri: Uri, headers: HeaderMap) -> Response {
    let Some(id) = tail(&uri, "/api/threads/") else {
        return Fail::NotFound("no such thread".into()).json();
    };
    answer_text(st, headers, move |_, a| {
        let loc = resolve(a, &id)?;
        if loc.removed {
            return Err(Fail::Gone("this message was removed".into()));
        }
        let view = lookup::thread_of(a, loc.num)
            .map_err(internal)?
            .ok_or_else(|| Fail::NotFound(format!("no thread for {id:?}")))?;
        let Some(t) = view.forest.thread(view.thread) else {
            return Err(Fail::NotFound(format!("no thread for {id:?}")));
        };
        let first = view.first();
        let root = view.summaries.get(&first);
        let first_mid = root.map_or("", |s| s.message_id.as_str());
        let node = |num: Option<u64>| -> Value {
            let Some((n, s)) = num.and_then(|n| view.summaries.get(&n).map(|s| (n, s))) else {
                return json!({ "ghost": true });
            };
            let period = larch::model::period_name(s.filed_at, &a.config.tz(), a.config.period);
            json!({
                "num": n,
                "message_id": s.message_id.as_str(),
                "subject": s.subject,
                "from": from(a, s),
                "date": rfc3339(s.filed_at),
                "url": urls::message_path(&period, n),
            })
        };
        // Written without recursion: a thread may nest thousands deep.
        let mut tree = String::from("[");
        for step in t.nested() {
            if step.position > 0 {
                if step.open {
                    tree.push_str(",\"replies\":[");
                } else {
                    tree.push_str(",\"replies\":[]}");
                    tree.push_str(&"]}".repeat(step.close));
                    tree.push(',');
                }
            }
            let obj = node(step.entry.num()).to_string();
            tree.push_str(&obj[..obj.len() - 1]);
        }
        if let Some(last) = t.entries().last() {
            tree.push_str(",\"replies\":[]}");
            tree.push_str(&"]}".repeat(last.depth()));
        }
        tree.push(']');
        let mut head = thread_ref(first_mid);
        head["subject"] = json!(root.map_or("", |s| s.subject.as_str()));
        head["messages"] = json!(t.message_count());
        head["url"] = json!(root.map(|s| {
            let p = larch::model::period_name(s.filed_at, &a.config.tz(), a.config.period);
            urls::message_path(&p, first)
        }));
        // The tree is spliced in as text: serde_json would recurse over it.
        let head = head.to_string();
        Ok(format!("{},\"tree\":{tree}}}", &head[..head.len() - 1]))
    })
    .await
}

/// `GET /api/search?q=&sort=&page=&limit=`
pub async fn search(
    AxState(st): AxState<Arc<State>>,
    Query(pairs): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Response {
    let p = Params::from_pairs(&pairs);
    answer(st, headers, move |st, a| {
        let r = run(st, a, &p)?;
        let hits: Vec<Value> = r
            .hits
            .iter()
            .map(|h| {
                json!({
                    "num": h.num,
                    "message_id": h.message_id,
                    "subject": larch::search::plain_text(&h.subject_html),
                    "subject_html": h.subject_html,
                    "snippet": larch::search::plain_text(&h.snippet_html),
                    "snippet_html": h.snippet_html,
                    "from": h.from,
                    "date": rfc3339(h.date),
                    "url": h.page,
                    "score": h.score,
                })
            })
            .collect();
        Ok(json!({
            "query": p.q,
            "sort": p.sort_name(),
            "page": p.page,
            "per_page": p.per_page,
            "total": r.total,
            "hits": hits,
        }))
    })
    .await
}
