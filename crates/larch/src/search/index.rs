//! `SearchIndex`: the tantivy index in one directory: its schema, writing
//! (add, delete, commit) and reading (search, freshness). Only this file
//! opens tantivy indexes.

use std::path::{Path, PathBuf};

use tantivy::collector::{Count, TopDocs};
use tantivy::query::TermQuery;
use tantivy::schema::{
    FAST, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{
    DocAddress, Index, IndexReader, IndexSettings, IndexWriter, Order, ReloadPolicy,
    TantivyDocument, Term,
};

use super::compile::{compile, highlight_terms};
use super::snippet::Highlighter;
use super::tokenizer::{ANALYZER, analyzer};
use super::{Hit, Hits, MAX_LIMIT, MAX_OFFSET, Query, SearchDoc, SearchError, Sort};

/// The schema's fields.
#[derive(Clone, Copy, Debug)]
pub(super) struct Fields {
    pub num: tantivy::schema::Field,
    pub date: tantivy::schema::Field,
    pub message_id: tantivy::schema::Field,
    pub subject: tantivy::schema::Field,
    pub from: tantivy::schema::Field,
    pub to: tantivy::schema::Field,
    pub cc: tantivy::schema::Field,
    pub unquoted: tantivy::schema::Field,
    pub quoted: tantivy::schema::Field,
    pub attachment: tantivy::schema::Field,
    pub list_id: tantivy::schema::Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(ANALYZER)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let text = TextOptions::default().set_indexing_options(indexing);
    let stored = text.clone().set_stored();
    let fields = Fields {
        num: b.add_u64_field("num", INDEXED | FAST | STORED),
        date: b.add_i64_field("date", FAST | STORED),
        message_id: b.add_text_field("message_id", STRING),
        subject: b.add_text_field("subject", stored.clone()),
        from: b.add_text_field("from", text.clone()),
        to: b.add_text_field("to", text.clone()),
        cc: b.add_text_field("cc", text.clone()),
        unquoted: b.add_text_field("body", stored.clone()),
        quoted: b.add_text_field("quoted", stored),
        attachment: b.add_text_field("attachment", text.clone()),
        list_id: b.add_text_field("list_id", text),
    };
    (b.build(), fields)
}

/// The full-text index in one directory.
pub struct SearchIndex {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    writer: Option<IndexWriter>,
    fields: Fields,
    /// Writer threads and memory (bytes, all threads together).
    writer_threads: usize,
    writer_memory: usize,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Create an empty index in `dir` (created if missing; must hold no index).
    pub fn create(dir: &Path) -> Result<SearchIndex, SearchError> {
        std::fs::create_dir_all(dir).map_err(|source| SearchError::Io {
            path: dir.to_owned(),
            source,
        })?;
        let (schema, fields) = schema();
        let settings = IndexSettings {
            docstore_compression: Compressor::Zstd(ZstdCompressor {
                compression_level: Some(6),
            }),
            docstore_blocksize: 64 * 1024,
            ..IndexSettings::default()
        };
        let index = Index::builder()
            .schema(schema)
            .settings(settings)
            .create_in_dir(dir)
            .map_err(tantivy_err(dir))?;
        SearchIndex::with_index(dir, index, fields)
    }

    /// Open the index in `dir`: [`SearchError::Missing`] when there is none,
    /// [`SearchError::Outdated`] when another schema made it.
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        if !dir.join("meta.json").is_file() {
            return Err(SearchError::Missing(dir.to_owned()));
        }
        let index = Index::open_in_dir(dir).map_err(tantivy_err(dir))?;
        let (schema, fields) = schema();
        if index.schema() != schema {
            return Err(SearchError::Outdated(dir.to_owned()));
        }
        SearchIndex::with_index(dir, index, fields)
    }

    fn with_index(dir: &Path, index: Index, fields: Fields) -> Result<SearchIndex, SearchError> {
        index.tokenizers().register(ANALYZER, analyzer());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(tantivy_err(dir))?;
        Ok(SearchIndex {
            dir: dir.to_owned(),
            index,
            reader,
            writer: None,
            fields,
            writer_threads: 1,
            writer_memory: 32 << 20,
        })
    }

    /// The directory of the index.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writer threads and their total memory budget (bytes) for the next
    /// writer; larger is faster for full rebuilds. Defaults: 1 thread, 32 MB.
    pub fn set_writer(&mut self, threads: usize, memory: usize) {
        self.writer_threads = threads.clamp(1, 8);
        self.writer_memory = memory.max(self.writer_threads * (16 << 20));
    }

    fn writer(&mut self) -> Result<&mut IndexWriter, SearchError> {
        if self.writer.is_none() {
            let w = self
                .index
                .writer_with_num_threads(self.writer_threads, self.writer_memory)
                .map_err(tantivy_err(&self.dir))?;
            self.writer = Some(w);
        }
        self.writer
            .as_mut()
            .ok_or_else(|| SearchError::Missing(self.dir.clone()))
    }

    /// Add messages (replacing any indexed under the same number). Visible
    /// after [`SearchIndex::commit`].
    pub fn add(&mut self, docs: &[SearchDoc]) -> Result<(), SearchError> {
        let f = self.fields;
        let dir = self.dir.clone();
        let w = self.writer()?;
        for d in docs {
            w.delete_term(Term::from_field_u64(f.num, d.num));
            w.add_document(document(&f, d)).map_err(tantivy_err(&dir))?;
        }
        Ok(())
    }

    /// Remove message `num` from the index (after [`SearchIndex::commit`]).
    pub fn delete(&mut self, num: u64) -> Result<(), SearchError> {
        let f = self.fields.num;
        self.writer()?.delete_term(Term::from_field_u64(f, num));
        Ok(())
    }

    /// Make every add and delete so far durable and visible.
    pub fn commit(&mut self) -> Result<(), SearchError> {
        if let Some(w) = self.writer.as_mut() {
            w.commit().map_err(tantivy_err(&self.dir))?;
        }
        self.reload()
    }

    /// Commit, then wait for background segment merges and release the
    /// writer (its lock on the directory).
    pub fn finish(&mut self) -> Result<(), SearchError> {
        self.commit()?;
        if let Some(w) = self.writer.take() {
            w.wait_merging_threads().map_err(tantivy_err(&self.dir))?;
        }
        self.reload()
    }

    /// See commits made since (by this or another process).
    pub fn reload(&self) -> Result<(), SearchError> {
        self.reader.reload().map_err(tantivy_err(&self.dir))
    }

    /// Number of messages indexed.
    pub fn doc_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Is message `num` indexed?
    pub fn contains(&self, num: u64) -> Result<bool, SearchError> {
        let q = TermQuery::new(
            Term::from_field_u64(self.fields.num, num),
            IndexRecordOption::Basic,
        );
        let n = self
            .reader
            .searcher()
            .search(&q, &Count)
            .map_err(tantivy_err(&self.dir))?;
        Ok(n > 0)
    }

    /// The highest message number indexed, if any.
    pub fn max_num(&self) -> Result<Option<u64>, SearchError> {
        let top = TopDocs::with_limit(1).order_by_fast_field::<u64>("num", Order::Desc);
        let found = self
            .reader
            .searcher()
            .search(&tantivy::query::AllQuery, &top)
            .map_err(tantivy_err(&self.dir))?;
        Ok(found.first().and_then(|(n, _)| *n))
    }

    /// Run `query`: `total` matches, and the page `offset..offset+limit`
    /// (limit at most [`MAX_LIMIT`]; past [`MAX_OFFSET`] the page is empty).
    pub fn search(
        &self,
        query: &Query,
        sort: Sort,
        offset: usize,
        limit: usize,
    ) -> Result<Hits, SearchError> {
        let searcher = self.reader.searcher();
        let q = compile(query, &self.fields);
        let limit = limit.min(MAX_LIMIT);
        let err = tantivy_err(&self.dir);
        let (total, page): (usize, Vec<(f32, DocAddress)>) = if limit == 0 || offset > MAX_OFFSET {
            (searcher.search(&*q, &Count).map_err(err)?, Vec::new())
        } else {
            match sort {
                Sort::Relevance => {
                    let top = TopDocs::with_limit(limit)
                        .and_offset(offset)
                        .order_by_score();
                    searcher.search(&*q, &(Count, top)).map_err(err)?
                }
                Sort::Date => {
                    let top = TopDocs::with_limit(limit)
                        .and_offset(offset)
                        .order_by_fast_field::<i64>("date", Order::Desc);
                    let (n, docs) = searcher.search(&*q, &(Count, top)).map_err(err)?;
                    (n, docs.into_iter().map(|(_, a)| (0.0, a)).collect())
                }
            }
        };
        let hl = Highlighter::new(
            &searcher,
            &self.fields,
            &highlight_terms(query, &self.fields),
        );
        let mut hits = Vec::with_capacity(page.len());
        for (score, addr) in page {
            let doc: TantivyDocument = searcher.doc(addr).map_err(tantivy_err(&self.dir))?;
            let text = |f| doc.get_first(f).and_then(|v| v.as_str()).unwrap_or("");
            hits.push(Hit {
                num: doc
                    .get_first(self.fields.num)
                    .and_then(|v| v.as_u64())
                    .unwrap_or(0),
                score,
                date: doc
                    .get_first(self.fields.date)
                    .and_then(|v| v.as_i64())
                    .unwrap_or(0),
                subject_html: hl.subject(text(self.fields.subject)),
                snippet_html: hl.body(text(self.fields.unquoted), text(self.fields.quoted)),
            });
        }
        Ok(Hits {
            total: total as u64,
            hits,
        })
    }
}

fn document(f: &Fields, d: &SearchDoc) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_u64(f.num, d.num);
    doc.add_i64(f.date, d.date);
    doc.add_text(f.message_id, &d.message_id);
    doc.add_text(f.subject, &d.subject);
    doc.add_text(f.from, format!("{} {}", d.from_name, d.from_addr));
    for t in &d.to {
        doc.add_text(f.to, t);
    }
    for c in &d.cc {
        doc.add_text(f.cc, c);
    }
    doc.add_text(f.unquoted, &d.body_unquoted);
    doc.add_text(f.quoted, &d.body_quoted);
    for n in &d.attachment_names {
        doc.add_text(f.attachment, n);
    }
    doc.add_text(f.list_id, &d.list_id);
    doc
}

fn tantivy_err(dir: &Path) -> impl Fn(tantivy::TantivyError) -> SearchError + '_ {
    move |source| SearchError::Index {
        path: dir.to_owned(),
        source,
    }
}
