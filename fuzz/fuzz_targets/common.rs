//! Shared by every target: panic handling.
//!
//! libfuzzer-sys installs a panic hook that aborts on *any* panic, even one
//! caught by `catch_unwind`. larch deliberately runs mail-parser under
//! `catch_unwind` (a panic there becomes a defect, and the message is still
//! archived), so with that hook the fuzzer would report panics that larch
//! handles. `run` replaces the hook: a panic is remembered, and only a panic
//! that escapes larch (reaches the target) aborts, with its message printed.
//!
//! Set `LARCH_FUZZ_ALL_PANICS=1` to abort on every panic instead, caught or
//! not: that hunts panics inside mail-parser (upstream bugs larch survives).

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    static LAST_PANIC: RefCell<String> = const { RefCell::new(String::new()) };
}

static HOOK: Once = Once::new();

fn install_hook() {
    HOOK.call_once(|| {
        let all = std::env::var_os("LARCH_FUZZ_ALL_PANICS").is_some_and(|v| v == "1");
        panic::set_hook(Box::new(move |info| {
            let msg = format!("{info}");
            if all {
                eprintln!("panic (LARCH_FUZZ_ALL_PANICS=1): {msg}");
                eprintln!("{}", std::backtrace::Backtrace::force_capture());
                std::process::abort();
            }
            LAST_PANIC.with(|p| *p.borrow_mut() = msg);
        }));
    });
}

/// Run one fuzz input; abort (a crash for libFuzzer) on a panic that larch
/// did not catch itself, printing where it happened.
pub fn run(f: impl FnOnce()) {
    install_hook();
    if panic::catch_unwind(AssertUnwindSafe(f)).is_err() {
        let msg = LAST_PANIC.with(|p| p.borrow().clone());
        eprintln!("uncaught panic: {msg}");
        std::process::abort();
    }
}
