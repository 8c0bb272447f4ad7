//! Query AST -> tantivy queries, and the terms to highlight. Every query
//! is built from analyzed tokens through tantivy's query types directly
//! (never through tantivy's query-string parser), so no user text is ever
//! interpreted as tantivy syntax.

use std::collections::{BTreeSet, HashMap};
use std::ops::Bound;

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, Occur, PhrasePrefixQuery, PhraseQuery,
    Query as TQuery, RangeQuery, RegexQuery, TermQuery,
};
use tantivy::schema::{Field as TField, IndexRecordOption};

use super::index::Fields;
use super::query::{Field, Query};
use super::tokenizer::{analyze, is_cjk};

/// How many terms a `word*` prefix may expand to.
const PREFIX_EXPANSIONS: u32 = 200;

/// The tantivy fields (and boosts) a query field searches.
fn targets(field: Field, f: &Fields) -> Vec<(TField, f32)> {
    match field {
        Field::Default => vec![
            (f.subject, 2.0),
            (f.from, 1.0),
            (f.unquoted, 1.0),
            (f.quoted, 0.5),
        ],
        Field::Subject => vec![(f.subject, 1.0)],
        Field::From => vec![(f.from, 1.0)],
        Field::To => vec![(f.to, 1.0)],
        Field::Cc => vec![(f.cc, 1.0)],
        Field::ToCc => vec![(f.to, 1.0), (f.cc, 1.0)],
        Field::Address => vec![(f.from, 1.0), (f.to, 1.0), (f.cc, 1.0)],
        Field::Body => vec![(f.unquoted, 1.0), (f.quoted, 0.5)],
        Field::Unquoted => vec![(f.unquoted, 1.0)],
        Field::Quoted => vec![(f.quoted, 1.0)],
        Field::SubjectBody => vec![(f.subject, 2.0), (f.unquoted, 1.0), (f.quoted, 0.5)],
        Field::Attachment => vec![(f.attachment, 1.0)],
        Field::ListId => vec![(f.list_id, 1.0)],
    }
}

/// Compile the AST for the index with fields `f`.
pub(super) fn compile(q: &Query, f: &Fields) -> Box<dyn TQuery> {
    match q {
        Query::Text {
            field,
            text,
            prefix,
            ..
        } => {
            let tokens = analyze(text);
            let mut per_field: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
            for (tf, boost) in targets(*field, f) {
                if let Some(q) = text_in(tf, &tokens, *prefix) {
                    let q: Box<dyn TQuery> = if boost == 1.0 {
                        q
                    } else {
                        Box::new(BoostQuery::new(q, boost))
                    };
                    per_field.push((Occur::Should, q));
                }
            }
            match per_field.len() {
                0 => Box::new(EmptyQuery),
                1 => per_field.pop().map_or(Box::new(EmptyQuery), |(_, q)| q),
                _ => Box::new(BooleanQuery::new(per_field)),
            }
        }
        Query::MessageId(id) => Box::new(TermQuery::new(
            Term::from_field_text(f.message_id, id),
            IndexRecordOption::Basic,
        )),
        Query::Date { from, to } => {
            let bound = |v: &Option<i64>| match v {
                Some(t) => Bound::Included(Term::from_field_i64(f.date, *t)),
                None => Bound::Unbounded,
            };
            if from.is_none() && to.is_none() {
                return Box::new(AllQuery);
            }
            Box::new(RangeQuery::new(bound(from), bound(to)))
        }
        Query::And(parts) => {
            let mut clauses: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
            for p in parts {
                match p {
                    Query::Not(inner) => clauses.push((Occur::MustNot, compile(inner, f))),
                    p => clauses.push((Occur::Must, compile(p, f))),
                }
            }
            if !clauses.iter().any(|(o, _)| *o == Occur::Must) {
                clauses.push((Occur::Must, Box::new(AllQuery)));
            }
            Box::new(BooleanQuery::new(clauses))
        }
        Query::Or(parts) => Box::new(BooleanQuery::new(
            parts
                .iter()
                .map(|p| (Occur::Should, compile(p, f)))
                .collect(),
        )),
        Query::Not(inner) => Box::new(BooleanQuery::new(vec![
            (Occur::Must, Box::new(AllQuery)),
            (Occur::MustNot, compile(inner, f)),
        ])),
    }
}

/// The analyzed `tokens` in one tantivy field: a term, a phrase, a prefix.
fn text_in(
    field: TField,
    tokens: &[super::tokenizer::Analyzed],
    prefix: bool,
) -> Option<Box<dyn TQuery>> {
    let first = tokens.first()?.position;
    let terms: Vec<(usize, Term)> = tokens
        .iter()
        .map(|t| {
            (
                t.position.saturating_sub(first),
                Term::from_field_text(field, &t.text),
            )
        })
        .collect();
    if prefix {
        let mut q = PhrasePrefixQuery::new_with_offset(terms);
        q.set_max_expansions(PREFIX_EXPANSIONS);
        return Some(Box::new(q));
    }
    if terms.len() == 1 {
        let text = &tokens[0].text;
        let mut chars = text.chars();
        if let (Some(c), None) = (chars.next(), chars.next())
            && is_cjk(c)
        {
            // One CJK character: it is indexed inside bigrams.
            return RegexQuery::from_pattern(&format!("{c}.?|.{c}"), field)
                .ok()
                .map(|q| Box::new(q) as Box<dyn TQuery>);
        }
        let (_, term) = terms.into_iter().next()?;
        return Some(Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)));
    }
    Some(Box::new(PhraseQuery::new_with_offset(terms)))
}

/// The words to mark in results: per stored field, the analyzed tokens of
/// every term that is not negated.
pub(super) fn highlight_terms(q: &Query, f: &Fields) -> HashMap<TField, BTreeSet<String>> {
    let mut out: HashMap<TField, BTreeSet<String>> = HashMap::new();
    collect(q, f, &mut out);
    out
}

fn collect(q: &Query, f: &Fields, out: &mut HashMap<TField, BTreeSet<String>>) {
    match q {
        Query::Text { field, text, .. } => {
            let tokens = analyze(text);
            for (tf, _) in targets(*field, f) {
                let set = out.entry(tf).or_default();
                set.extend(tokens.iter().map(|t| t.text.clone()));
            }
        }
        Query::And(v) | Query::Or(v) => v.iter().for_each(|q| collect(q, f, out)),
        Query::Not(_) | Query::MessageId(_) | Query::Date { .. } => {}
    }
}
