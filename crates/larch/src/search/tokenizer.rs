//! The one text analyzer of the index, used for documents and queries alike:
//! words are runs of letters and digits (combining marks kept inside, then
//! dropped), CJK runs (Han, Hiragana, Katakana, Hangul) become overlapping
//! bigrams (a lone CJK character stays a unigram), then tokens are
//! lowercased and folded to ASCII where Latin letters have an equivalent
//! ("café" is indexed as "cafe"; Cyrillic and Greek stay in their script).
//! Owns no index state; never touches files.

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, TextAnalyzer, Token, TokenStream, Tokenizer,
};

/// The name the analyzer is registered under in the index.
pub const ANALYZER: &str = "larch";

/// Tokens this long (bytes) or longer are dropped (base64 runs, junk);
/// a SHA-256 in hex (64) still fits.
const MAX_TOKEN_BYTES: usize = 72;

/// The analyzer: [`MailTokenizer`], lowercase, ASCII folding, long tokens out.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(MailTokenizer)
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .build()
}

/// One analyzed token: its text and its position (CJK bigrams of one run
/// take consecutive positions, so a CJK word is a phrase of its bigrams).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Analyzed {
    pub text: String,
    pub position: usize,
}

/// Analyze `text` the way the index does.
pub fn analyze(text: &str) -> Vec<Analyzed> {
    let mut a = analyzer();
    let mut stream = a.token_stream(text);
    let mut out = Vec::new();
    while let Some(t) = stream.next() {
        out.push(Analyzed {
            text: t.text.clone(),
            position: t.position,
        });
    }
    out
}

/// Is `c` written without spaces between words (so indexed as bigrams)?
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3005..=0x3007          // 々 〆 〇
        | 0x3040..=0x30FF        // Hiragana, Katakana
        | 0x3130..=0x318F        // Hangul compatibility Jamo
        | 0x31F0..=0x31FF        // Katakana phonetic extensions
        | 0x3400..=0x4DBF        // Han extension A
        | 0x4E00..=0x9FFF        // Han
        | 0xAC00..=0xD7AF        // Hangul syllables
        | 0x1100..=0x11FF        // Hangul Jamo
        | 0xF900..=0xFAFF        // Han compatibility
        | 0xFF66..=0xFF9F        // half-width Katakana
        | 0x20000..=0x3134F // Han extensions B..G
    )
}

/// Combining marks kept inside a word and dropped from its token, so that
/// decomposed "cafe\u{301}" is indexed like "café".
fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c)
}

/// Splits text into words and CJK bigrams. Token text is the original text
/// with combining marks removed and Cyrillic ё folded to е (lowercasing and
/// Latin folding are the filters' job).
#[derive(Clone, Debug, Default)]
pub struct MailTokenizer;

/// The token stream of [`MailTokenizer`].
#[derive(Debug)]
pub struct MailTokenStream<'a> {
    text: &'a str,
    pos: usize,
    token: Token,
    /// Inside a CJK run: the byte offset of the run's previous character.
    cjk_prev: Option<usize>,
}

impl Tokenizer for MailTokenizer {
    type TokenStream<'a> = MailTokenStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> MailTokenStream<'a> {
        MailTokenStream {
            text,
            pos: 0,
            token: Token::default(),
            cjk_prev: None,
        }
    }
}

impl MailTokenStream<'_> {
    fn emit(&mut self, from: usize, to: usize) {
        self.token.text.clear();
        for c in self.text[from..to].chars() {
            match c {
                'ё' => self.token.text.push('е'),
                'Ё' => self.token.text.push('Е'),
                c if is_combining(c) => {}
                c => self.token.text.push(c),
            }
        }
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = self.token.position.wrapping_add(1);
        self.token.position_length = 1;
    }
}

impl TokenStream for MailTokenStream<'_> {
    fn advance(&mut self) -> bool {
        // Continue a CJK run: the bigram (previous, next) if next is CJK.
        if let Some(prev) = self.cjk_prev.take() {
            let rest = &self.text[self.pos..];
            if let Some(c) = rest.chars().next()
                && is_cjk(c)
            {
                let end = self.pos + c.len_utf8();
                self.emit(prev, end);
                self.cjk_prev = Some(self.pos);
                self.pos = end;
                return true;
            }
        }
        while let Some(c) = self.text[self.pos..].chars().next() {
            let start = self.pos;
            if is_cjk(c) {
                let second = start + c.len_utf8();
                match self.text[second..].chars().next() {
                    Some(d) if is_cjk(d) => {
                        let end = second + d.len_utf8();
                        self.emit(start, end);
                        self.cjk_prev = Some(second);
                        self.pos = end;
                    }
                    _ => {
                        self.emit(start, second);
                        self.pos = second;
                    }
                }
                return true;
            }
            if is_word(c) {
                let mut end = start + c.len_utf8();
                for d in self.text[end..].chars() {
                    if is_word(d) || is_combining(d) {
                        end += d.len_utf8();
                    } else {
                        break;
                    }
                }
                self.pos = end;
                self.emit(start, end);
                if self.token.text.is_empty() {
                    continue;
                }
                return true;
            }
            self.pos += c.len_utf8();
        }
        false
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        analyze(s).into_iter().map(|a| a.text).collect()
    }

    #[test]
    fn words_fold_case_and_diacritics() {
        assert_eq!(texts("Café Ñandú, NAÏVE"), ["cafe", "nandu", "naive"]);
        assert_eq!(texts("cafe\u{301} nai\u{308}ve"), ["cafe", "naive"]);
        assert_eq!(texts("Straße"), ["strasse"]);
        assert_eq!(
            texts("stefan.dvorak@example.cz salon_set_msg 3.7.3"),
            [
                "stefan", "dvorak", "example", "cz", "salon", "set", "msg", "3", "7", "3"
            ]
        );
    }

    #[test]
    fn cyrillic_stays_in_its_script() {
        assert_eq!(texts("Привет, МИР! Ёлка"), ["привет", "мир", "елка"]);
    }

    #[test]
    fn cjk_runs_become_bigrams_with_consecutive_positions() {
        let a = analyze("邮件列表 test 日本語です 한국어 x 中");
        let t: Vec<&str> = a.iter().map(|a| a.text.as_str()).collect();
        assert_eq!(
            t,
            [
                "邮件", "件列", "列表", "test", "日本", "本語", "語で", "です", "한국", "국어",
                "x", "中"
            ]
        );
        let pos: Vec<usize> = a.iter().map(|a| a.position).collect();
        assert_eq!(pos, (0..12).collect::<Vec<_>>());
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let s = "Ünïcödé 中文字";
        let mut a = analyzer();
        let mut stream = a.token_stream(s);
        let mut spans = Vec::new();
        while let Some(t) = stream.next() {
            spans.push(&s[t.offset_from..t.offset_to]);
        }
        assert_eq!(spans, ["Ünïcödé", "中文", "文字"]);
    }

    #[test]
    fn junk_and_long_tokens_are_dropped() {
        assert!(texts("*** -- !!! \"' () \u{301}").is_empty());
        let long = "a".repeat(200);
        assert_eq!(texts(&format!("x {long} y")), ["x", "y"]);
    }
}
