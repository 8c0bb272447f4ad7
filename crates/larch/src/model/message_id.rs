//! `MessageId`: a normalized Message-ID (no angle brackets, no surrounding space).

use std::fmt;

/// A Message-ID without its angle brackets. Comparison is exact (byte-wise):
/// RFC 5322 ids are case-sensitive in their local part.
#[derive(
    Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct MessageId(String);

impl MessageId {
    /// Normalize a raw id: trims white space and one pair of angle brackets.
    /// Returns `None` for an id that is empty after trimming.
    pub fn new(raw: &str) -> Option<MessageId> {
        let mut s = raw.trim();
        if let Some(inner) = s.strip_prefix('<') {
            s = inner.strip_suffix('>').unwrap_or(inner);
        } else if let Some(inner) = s.strip_suffix('>') {
            s = inner;
        }
        let s = s.trim();
        if s.is_empty() || s.chars().any(|c| c.is_control()) {
            return None;
        }
        Some(MessageId(s.to_owned()))
    }

    /// A synthetic id for a message that has none: `larch-<hex>@synthetic.invalid`
    /// from the first 12 bytes of a hash (`.invalid` can never clash with a real id).
    pub fn synthetic(hash: &[u8; 32]) -> MessageId {
        let mut s = String::with_capacity(48);
        s.push_str("larch-");
        for b in &hash[..12] {
            s.push_str(&format!("{b:02x}"));
        }
        s.push_str("@synthetic.invalid");
        MessageId(s)
    }

    /// The id as text, without angle brackets.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::MessageId;

    #[test]
    fn strips_brackets_and_space() {
        assert_eq!(MessageId::new(" <a@b> ").unwrap().as_str(), "a@b");
        assert_eq!(MessageId::new("a@b").unwrap().as_str(), "a@b");
        assert!(MessageId::new("<>").is_none());
        assert!(MessageId::new("   ").is_none());
        assert!(MessageId::new("<a\0b>").is_none());
    }
}
