//! The query lexer and recursive-descent parser: text -> [`Query`].
//! Bounded by [`MAX_QUERY_BYTES`], [`MAX_TERMS`] and [`MAX_DEPTH`]; every
//! position in an error is a character index into the input.

use super::date::parse_date_range;
use super::query::{
    Field, MAX_DEPTH, MAX_QUERY_BYTES, MAX_TERMS, Query, QueryError, QueryErrorKind,
};
use super::tokenizer::analyze;

/// Parse a query (see [`super::query`] for the language).
pub(super) fn parse(input: &str) -> Result<Query, QueryError> {
    if input.len() > MAX_QUERY_BYTES {
        let at = input
            .char_indices()
            .take_while(|(i, _)| *i < MAX_QUERY_BYTES)
            .count();
        return Err(QueryError {
            at,
            kind: QueryErrorKind::TooLong,
        });
    }
    let tokens = lex(input)?;
    let mut p = Parser {
        tokens,
        i: 0,
        terms: 0,
        depth: 0,
        end: input.chars().count(),
    };
    let q = p.or_expr(Field::Default)?;
    if let Some(t) = p.tokens.get(p.i) {
        // Only a stray ')' can stop the top level early.
        return Err(p.err_at(t.at, QueryErrorKind::UnopenedParen));
    }
    q.ok_or(QueryError {
        at: 0,
        kind: QueryErrorKind::Empty,
    })
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Open,
    Close,
    And,
    Or,
    Not,
    /// `-` or `+` directly before a term or group.
    Minus,
    Plus,
    /// `name:` directly before a term, phrase or group.
    Prefix(String),
    Word(String),
    /// A quoted phrase; `true` when a `*` follows the closing quote.
    Phrase(String, bool),
}

#[derive(Clone, Debug)]
struct Lexed {
    tok: Tok,
    /// Character index.
    at: usize,
}

fn lex(input: &str) -> Result<Vec<Lexed>, QueryError> {
    let chars: Vec<char> = input.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    // Is the next token glued to the previous one (after -, + or name:)?
    let mut glued = false;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            glued = false;
            continue;
        }
        let at = i;
        let tok = match c {
            '(' => {
                i += 1;
                Tok::Open
            }
            ')' => {
                i += 1;
                Tok::Close
            }
            '"' | '\u{201C}' | '\u{201D}' => {
                let close = chars[i + 1..]
                    .iter()
                    .position(|&d| d == '"' || d == '\u{201D}' || d == '\u{201C}')
                    .ok_or(QueryError {
                        at,
                        kind: QueryErrorKind::UnclosedQuote,
                    })?;
                let text: String = chars[i + 1..i + 1 + close].iter().collect();
                i += close + 2;
                let star = chars.get(i) == Some(&'*');
                if star {
                    i += 1;
                }
                Tok::Phrase(text, star)
            }
            '-' | '+' if !glued && chars.get(i + 1).is_some_and(|d| !d.is_whitespace()) => {
                i += 1;
                glued = true;
                out.push(Lexed {
                    tok: if c == '-' { Tok::Minus } else { Tok::Plus },
                    at,
                });
                continue;
            }
            _ => {
                let start = i;
                while i < chars.len() && !chars[i].is_whitespace() && !"()\"".contains(chars[i]) {
                    i += 1;
                    // A known prefix ends the word at its colon.
                    if chars[i - 1] == ':' {
                        let name: String = chars[start..i - 1].iter().collect();
                        if name == "d" || name == "m" || Field::from_prefix(&name).is_some() {
                            glued = true;
                            out.push(Lexed {
                                tok: Tok::Prefix(name),
                                at,
                            });
                            break;
                        }
                    }
                }
                if matches!(out.last(), Some(Lexed { tok: Tok::Prefix(_), at: a }) if *a == at) {
                    // The value right after a prefix: a word up to white
                    // space (Message-IDs and dates keep their punctuation).
                    if i < chars.len() && !chars[i].is_whitespace() && !"()\"".contains(chars[i]) {
                        let vstart = i;
                        while i < chars.len()
                            && !chars[i].is_whitespace()
                            && !"()\"".contains(chars[i])
                        {
                            i += 1;
                        }
                        out.push(Lexed {
                            tok: Tok::Word(chars[vstart..i].iter().collect()),
                            at: vstart,
                        });
                        glued = false;
                    }
                    continue;
                }
                let word: String = chars[start..i].iter().collect();
                match word.as_str() {
                    "AND" | "&&" => Tok::And,
                    "OR" | "||" => Tok::Or,
                    "NOT" => Tok::Not,
                    _ => Tok::Word(word),
                }
            }
        };
        glued = false;
        out.push(Lexed { tok, at });
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Lexed>,
    i: usize,
    terms: usize,
    depth: usize,
    /// Character count of the input (where "end of query" errors point).
    end: usize,
}

impl Parser {
    fn err_at(&self, at: usize, kind: QueryErrorKind) -> QueryError {
        QueryError { at, kind }
    }

    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.i).map(|t| &t.tok)
    }

    fn at(&self) -> usize {
        self.tokens.get(self.i).map_or(self.end, |t| t.at)
    }

    fn enter(&mut self) -> Result<(), QueryError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err_at(self.at(), QueryErrorKind::TooDeep));
        }
        Ok(())
    }

    /// or_expr := and_expr ("OR" and_expr)*
    fn or_expr(&mut self, field: Field) -> Result<Option<Query>, QueryError> {
        let mut parts = Vec::new();
        let start = self.i;
        parts.extend(self.and_expr(field)?);
        while self.peek() == Some(&Tok::Or) {
            let at = self.at();
            if self.i == start {
                return Err(self.err_at(at, QueryErrorKind::MissingOperand("OR".into())));
            }
            self.i += 1;
            if matches!(self.peek(), None | Some(Tok::Close | Tok::Or | Tok::And)) {
                return Err(self.err_at(at, QueryErrorKind::MissingOperand("OR".into())));
            }
            parts.extend(self.and_expr(field)?);
        }
        Ok(join(parts, Query::Or))
    }

    /// and_expr := unary (["AND"] unary)*
    fn and_expr(&mut self, field: Field) -> Result<Option<Query>, QueryError> {
        let mut parts = Vec::new();
        let start = self.i;
        loop {
            match self.peek() {
                None | Some(Tok::Close | Tok::Or) => break,
                Some(Tok::And) => {
                    let at = self.at();
                    let at_start = self.i == start;
                    self.i += 1;
                    if at_start
                        || matches!(self.peek(), None | Some(Tok::Close | Tok::Or | Tok::And))
                    {
                        return Err(self.err_at(at, QueryErrorKind::MissingOperand("AND".into())));
                    }
                }
                Some(_) => parts.extend(self.unary(field)?),
            }
        }
        Ok(join(parts, Query::And))
    }

    /// unary := ("NOT" | "-") unary | "+" unary | primary
    fn unary(&mut self, field: Field) -> Result<Option<Query>, QueryError> {
        match self.peek() {
            Some(Tok::Not | Tok::Minus) => {
                let at = self.at();
                let what = if self.peek() == Some(&Tok::Not) {
                    "NOT"
                } else {
                    "-"
                };
                self.i += 1;
                if matches!(self.peek(), None | Some(Tok::Close | Tok::Or | Tok::And)) {
                    if what == "-" {
                        // A lone "-" is punctuation, not an operator.
                        return Ok(None);
                    }
                    return Err(self.err_at(at, QueryErrorKind::MissingOperand(what.into())));
                }
                self.enter()?;
                let inner = self.unary(field)?;
                self.depth -= 1;
                Ok(inner.map(|q| match q {
                    Query::Not(q) => *q,
                    q => Query::Not(Box::new(q)),
                }))
            }
            Some(Tok::Plus) => {
                self.i += 1;
                self.unary(field)
            }
            _ => self.primary(field),
        }
    }

    fn count_term(&mut self, at: usize) -> Result<(), QueryError> {
        self.terms += 1;
        if self.terms > MAX_TERMS {
            return Err(self.err_at(at, QueryErrorKind::TooManyTerms));
        }
        Ok(())
    }

    /// primary := "(" or_expr ")" | prefix? (word | phrase | "(" or_expr ")")
    fn primary(&mut self, field: Field) -> Result<Option<Query>, QueryError> {
        let Some(t) = self.tokens.get(self.i).cloned() else {
            return Ok(None);
        };
        self.i += 1;
        match t.tok {
            Tok::Open => {
                self.enter()?;
                let inner = self.or_expr(field)?;
                self.depth -= 1;
                if self.peek() != Some(&Tok::Close) {
                    return Err(self.err_at(t.at, QueryErrorKind::UnclosedParen));
                }
                self.i += 1;
                Ok(inner)
            }
            Tok::Prefix(name) => self.prefixed(&name, t.at),
            Tok::Word(w) => {
                self.count_term(t.at)?;
                Ok(text_query(field, &w, false))
            }
            Tok::Phrase(p, star) => {
                self.count_term(t.at)?;
                Ok(phrase_query(field, &p, star))
            }
            // Operators where a term should be: take them as words.
            Tok::And | Tok::Or | Tok::Not | Tok::Minus | Tok::Plus | Tok::Close => Ok(None),
        }
    }

    fn prefixed(&mut self, name: &str, at: usize) -> Result<Option<Query>, QueryError> {
        let empty = || QueryErrorKind::EmptyValue(format!("{name}:"));
        let value = match self.peek() {
            Some(Tok::Word(w)) => Some((w.clone(), None)),
            Some(Tok::Phrase(p, star)) => Some((p.clone(), Some(*star))),
            Some(Tok::Open) if name != "d" && name != "m" => None,
            _ => return Err(self.err_at(at, empty())),
        };
        let Some((value, quoted)) = value else {
            // A group: s:(foo OR bar).
            let field = Field::from_prefix(name).unwrap_or(Field::Default);
            return self.primary(field);
        };
        let vat = self.at();
        self.i += 1;
        self.count_term(vat)?;
        match name {
            "m" => {
                let id = value.trim();
                let id = id.strip_prefix('<').unwrap_or(id);
                let id = id.strip_suffix('>').unwrap_or(id).trim();
                if id.is_empty() {
                    return Err(self.err_at(at, empty()));
                }
                Ok(Some(Query::MessageId(id.to_owned())))
            }
            "d" => match parse_date_range(&value) {
                Some((None, None)) | None => Err(self.err_at(vat, QueryErrorKind::BadDate(value))),
                Some((from, to)) => Ok(Some(Query::Date { from, to })),
            },
            _ => {
                let field = Field::from_prefix(name).unwrap_or(Field::Default);
                Ok(match quoted {
                    Some(star) => phrase_query(field, &value, star),
                    None => text_query(field, &value, false),
                })
            }
        }
    }
}

/// A quoted phrase (`"..."*` when `star`).
fn phrase_query(field: Field, text: &str, star: bool) -> Option<Query> {
    let text = if star {
        format!("{text}*")
    } else {
        text.to_owned()
    };
    text_query(field, &text, true)
}

/// A text term, or nothing when the text has nothing searchable ("*", "--").
fn text_query(field: Field, text: &str, phrase: bool) -> Option<Query> {
    let (text, prefix) = match text.strip_suffix('*') {
        Some(t) => (t.trim_end_matches('*'), true),
        None => (text, false),
    };
    let tokens = analyze(text);
    if tokens.is_empty() {
        return None;
    }
    // A prefix needs at least two characters to bound how much it matches.
    let prefix = prefix
        && !text.ends_with(|c: char| !c.is_alphanumeric())
        && tokens.last().is_some_and(|t| t.text.chars().count() >= 2);
    Some(Query::Text {
        field,
        text: text.to_owned(),
        phrase,
        prefix,
    })
}

fn join(mut parts: Vec<Query>, make: fn(Vec<Query>) -> Query) -> Option<Query> {
    match parts.len() {
        0 => None,
        1 => parts.pop(),
        _ => Some(make(parts)),
    }
}
