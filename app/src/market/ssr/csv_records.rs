//! CSV records, one at a time, that survive broken quoting.
//!
//! RFC 4180: fields separated by commas, a field in double quotes may hold
//! commas, line breaks and doubled quotes (`""`). A quote in the middle of
//! an unquoted field is kept as a character (`5" screen`), as spreadsheets
//! write it. Quoting is broken when text follows a closing quote
//! (`"Acme"Inc,`) or a quote is never closed; a reader that carries on
//! would swallow every following line into one field. Here the broken
//! record is reported with the line it started on, and reading resumes on
//! the line after that start, so the records a stray quote swallowed are
//! read after all. A record longer than the limit is skipped to its end
//! (its quotes still followed) and reported as too long.

use std::collections::VecDeque;
use std::io::BufRead;

/// Bytes of a record kept to re-read after broken quoting; past this the
/// swallowed lines are reported as lost instead.
const REPLAY_MAX: usize = 4 * 1024 * 1024;

#[derive(Debug, PartialEq, Eq)]
pub enum CsvItem {
    /// The fields of one record and the line it starts on (from 1).
    Record { line: u64, fields: Vec<Vec<u8>> },
    /// Text after a closing quote, or a quote never closed.
    Broken { line: u64, detail: String },
    /// A record of more than the limit.
    TooLong { line: u64, bytes: usize },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: an escaped quote or the closing one.
    QuoteInQuoted,
}

pub struct CsvRecords<R> {
    input: R,
    /// Bytes to read again before the input (after broken quoting).
    replay: VecDeque<u8>,
    line: u64,
    max_record: usize,
    done: bool,
}

impl<R: BufRead> CsvRecords<R> {
    pub fn new(input: R, max_record: usize) -> Self {
        Self { input, replay: VecDeque::new(), line: 1, max_record, done: false }
    }

    fn next_byte(&mut self) -> std::io::Result<Option<u8>> {
        if let Some(b) = self.replay.pop_front() {
            return Ok(Some(b));
        }
        let buf = self.input.fill_buf()?;
        match buf.first().copied() {
            Some(b) => {
                self.input.consume(1);
                Ok(Some(b))
            }
            None => Ok(None),
        }
    }

    /// The next record or problem; `None` at the end of the input.
    pub fn next_item(&mut self) -> std::io::Result<Option<CsvItem>> {
        if self.done {
            return Ok(None);
        }
        let start_line = self.line;
        let mut fields: Vec<Vec<u8>> = Vec::new();
        let mut field: Vec<u8> = Vec::new();
        let mut state = State::FieldStart;
        let mut size = 0usize;
        // The raw bytes after the record's first line, to re-read when its
        // quoting turns out broken (`None` once past REPLAY_MAX).
        let mut after_first_line: Option<Vec<u8>> = Some(Vec::new());
        let mut first_line_done = false;
        let mut any = false;
        loop {
            let Some(b) = self.next_byte()? else {
                self.done = true;
                if !any {
                    return Ok(None);
                }
                if state == State::Quoted {
                    return Ok(Some(self.broken(
                        start_line,
                        "a quote opened on this line is never closed",
                        after_first_line,
                    )));
                }
                fields.push(field);
                return Ok(Some(self.finish(start_line, fields, size)));
            };
            any = true;
            if first_line_done {
                if let Some(raw) = after_first_line.as_mut() {
                    raw.push(b);
                    if raw.len() > REPLAY_MAX {
                        after_first_line = None;
                    }
                }
            }
            if b == b'\n' {
                self.line += 1;
                first_line_done = true;
            }
            size += 1;
            let keep = size <= self.max_record;
            match (state, b) {
                (State::Quoted, b'"') => state = State::QuoteInQuoted,
                (State::Quoted, _) => {
                    if keep {
                        field.push(b)
                    }
                }
                (State::QuoteInQuoted, b'"') => {
                    if keep {
                        field.push(b'"')
                    }
                    state = State::Quoted;
                }
                (State::FieldStart, b'"') => state = State::Quoted,
                (State::FieldStart | State::Unquoted | State::QuoteInQuoted, b',') => {
                    fields.push(std::mem::take(&mut field));
                    state = State::FieldStart;
                }
                (State::FieldStart | State::Unquoted | State::QuoteInQuoted, b'\n') => {
                    if field.last() == Some(&b'\r') {
                        field.pop();
                    }
                    fields.push(field);
                    return Ok(Some(self.finish(start_line, fields, size)));
                }
                (State::QuoteInQuoted, b'\r') => {}
                (State::QuoteInQuoted, other) => {
                    let shown = if other.is_ascii_graphic() { format!("{:?}", other as char) } else { "text".into() };
                    // Skip the rest of this physical line before replaying.
                    if !first_line_done {
                        while let Some(c) = self.next_byte()? {
                            if c == b'\n' {
                                self.line += 1;
                                break;
                            }
                        }
                        return Ok(Some(CsvItem::Broken {
                            line: start_line,
                            detail: format!("{shown} after a closing quote"),
                        }));
                    }
                    return Ok(Some(self.broken(
                        start_line,
                        &format!("{shown} after a closing quote (the quote opened on this line)"),
                        after_first_line,
                    )));
                }
                (State::FieldStart | State::Unquoted, _) => {
                    if keep {
                        field.push(b)
                    }
                    state = State::Unquoted;
                }
            }
        }
    }

    fn finish(&mut self, line: u64, fields: Vec<Vec<u8>>, size: usize) -> CsvItem {
        if size > self.max_record {
            CsvItem::TooLong { line, bytes: size }
        } else {
            CsvItem::Record { line, fields }
        }
    }

    /// Report a broken record and arrange to read again from the line after
    /// its first one: those lines were swallowed by the bad quote.
    fn broken(&mut self, line: u64, why: &str, after_first_line: Option<Vec<u8>>) -> CsvItem {
        match after_first_line {
            Some(raw) => {
                let mut again: VecDeque<u8> = raw.into();
                again.extend(self.replay.drain(..));
                self.replay = again;
                self.line = line + 1;
                self.done = false;
                CsvItem::Broken { line, detail: why.to_string() }
            }
            None => CsvItem::Broken {
                line,
                detail: format!("{why}; the {} lines after it were swallowed and are not read", self.line - line),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(text: &str, max: usize) -> Vec<CsvItem> {
        let mut r = CsvRecords::new(std::io::Cursor::new(text.as_bytes().to_vec()), max);
        let mut out = Vec::new();
        while let Some(i) = r.next_item().unwrap() {
            out.push(i);
        }
        out
    }

    fn rec(line: u64, fields: &[&str]) -> CsvItem {
        CsvItem::Record { line, fields: fields.iter().map(|f| f.as_bytes().to_vec()).collect() }
    }

    #[test]
    fn quoted_fields_hold_commas_breaks_and_quotes() {
        let got = items("a,b\r\n\"x, y\",\"line1\nline2 \"\"q\"\"\"\n5\" screen,\n", 1000);
        assert_eq!(
            got,
            vec![rec(1, &["a", "b"]), rec(2, &["x, y", "line1\nline2 \"q\""]), rec(4, &["5\" screen", ""])]
        );
        assert_eq!(items("last,no newline", 1000), vec![rec(1, &["last", "no newline"])]);
        assert_eq!(items("", 1000), vec![]);
    }

    #[test]
    fn text_after_a_closing_quote_is_reported_and_the_rest_is_read() {
        let text = "title,body\nok,one\n\"Broken\"title,x\nok2,two\n";
        assert_eq!(
            items(text, 1000),
            vec![
                rec(1, &["title", "body"]),
                rec(2, &["ok", "one"]),
                CsvItem::Broken { line: 3, detail: "'t' after a closing quote".into() },
                rec(4, &["ok2", "two"]),
            ]
        );
    }

    #[test]
    fn a_stray_quote_does_not_swallow_the_following_records() {
        // The quote opened on line 2 closes on line 4 and is followed by
        // text: lines 3 and 4 are records of their own after all.
        let text = "t,b\n\"stray,x\nfine,1\nalso \"fine\",2\nend,3\n";
        let got = items(text, 1000);
        assert_eq!(got[0], rec(1, &["t", "b"]));
        assert!(matches!(got[1], CsvItem::Broken { line: 2, .. }), "{got:?}");
        assert_eq!(got[2..], [rec(3, &["fine", "1"]), rec(4, &["also \"fine\"", "2"]), rec(5, &["end", "3"])]);
        // Never closed at all.
        let got = items("t,b\n\"open,x\nfine,1\n", 1000);
        assert_eq!(
            got,
            vec![
                rec(1, &["t", "b"]),
                CsvItem::Broken { line: 2, detail: "a quote opened on this line is never closed".into() },
                rec(3, &["fine", "1"]),
            ]
        );
    }

    #[test]
    fn a_long_record_is_skipped_whole_quotes_and_all() {
        let long = format!("t,b\n\"{},\"\"\n{}\",x\nnext,1\n", "y".repeat(50), "z".repeat(50));
        assert_eq!(
            items(&long, 40),
            vec![rec(1, &["t", "b"]), CsvItem::TooLong { line: 2, bytes: 109 }, rec(4, &["next", "1"])]
        );
    }
}
