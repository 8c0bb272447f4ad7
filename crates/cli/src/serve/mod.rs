//! HTTP only: `larch serve`. Serves the built site (files.rs) and the
//! routes made from the store and the search index: permalinks, raw
//! messages, feeds and thread downloads (routes.rs), `/search` (search.rs)
//! and `/api/...` (api.rs). Every response carries the security headers;
//! text is compressed (gzip, brotli). Everything is read per request, so
//! `larch add`/`remove` show without a restart. The library does the
//! lookups (`larch::build::lookup`); nothing here reads mail.

#![allow(clippy::print_stderr)]

mod api;
mod files;
mod http;
mod routes;
mod search;
mod state;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::get;
use axum::serve::ListenerExt;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::compression::{CompressionLayer, DefaultPredicate};
use tower_http::set_header::SetResponseHeaderLayer;

pub use state::State;

/// The application: every route, with the security headers and compression.
pub fn app(state: Arc<State>) -> anyhow::Result<Router> {
    let csp = HeaderValue::from_str(&state.csp)?;
    let compress = DefaultPredicate::new()
        .and(SizeAbove::new(256))
        .and(NotForContentType::const_new("application/gzip"))
        .and(NotForContentType::const_new("application/zip"))
        .and(NotForContentType::const_new("application/pdf"));
    let set = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
    };
    Ok(Router::new()
        .route("/m/{*rest}", get(routes::permalink))
        .route("/t/{*rest}", get(routes::thread))
        .route("/new.atom", get(routes::new_atom))
        .route("/search", get(search::page_handler))
        .route("/api/lists", get(api::lists))
        .route("/api/periods", get(api::periods))
        .route("/api/periods/{*rest}", get(api::period))
        .route("/api/messages/{*rest}", get(api::message))
        .route("/api/threads/{*rest}", get(api::thread))
        .route("/api/search", get(api::search))
        .fallback(files::serve)
        .with_state(state)
        // Handlers may set a stricter CSP (attachments); the page CSP otherwise.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            csp,
        ))
        .layer(set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(set(header::REFERRER_POLICY, "no-referrer"))
        .layer(set(header::X_FRAME_OPTIONS, "DENY"))
        .layer(set(
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ))
        .layer(CompressionLayer::new().compress_when(compress)))
}

/// Serve the archive in `dir` (its built site, store and search index) on
/// `listen` until Ctrl-C or SIGTERM; in-flight requests finish first.
pub fn serve(dir: &Path, listen: SocketAddr) -> anyhow::Result<()> {
    let state = Arc::new(State::open(dir)?);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let site = state.site.clone();
        let app = app(state)?;
        let listener = tokio::net::TcpListener::bind(listen).await?;
        eprintln!(
            "serving {} on http://{}/ (Ctrl-C to stop)",
            site.display(),
            listener.local_addr()?
        );
        // Headers and body go out in separate writes: without NODELAY,
        // Nagle and delayed ACKs add 40 ms to every response.
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown())
            .await?;
        Ok(())
    })
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    eprintln!("larch serve: shutting down");
}
