//! Thread: summaries -> thread forest (JWZ). Pure, non-recursive.
