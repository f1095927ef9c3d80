//! Decoding a server-sent-event stream from bytes as they arrive.
//!
//! Networks split a stream wherever they like: inside a multi-byte UTF-8
//! character, inside a line, between the `\r` and the `\n` of a CRLF. The
//! decoder therefore never decodes a chunk on its own. It keeps bytes until
//! a line is complete (the line terminators `\r`, `\n` and `\r\n` are single
//! bytes that never occur inside a UTF-8 sequence, so a complete line is
//! always whole UTF-8), and assembles lines into events as the
//! [WHATWG event-stream grammar] says: `data:` lines joined with `\n`, one
//! optional space after the colon, comments ignored, an event dispatched at
//! a blank line.
//!
//! Every streamed source goes through here (the LLM client today), so no
//! caller handles raw chunks.
//!
//! [WHATWG event-stream grammar]: https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SseEvent {
    /// The `event:` field; `None` means the default type, `message`.
    pub event: Option<String>,
    /// The `data:` lines, joined with `\n`.
    pub data: String,
    /// The last `id:` field seen so far in the stream.
    pub id: Option<String>,
}

/// Bytes in, complete lines out, across any chunking.
#[derive(Debug, Default)]
pub struct LineDecoder {
    pending: Vec<u8>,
    /// The previous chunk ended with `\r`: a `\n` starting the next one
    /// belongs to that terminator.
    after_cr: bool,
    /// The UTF-8 byte-order mark is dropped once, at the start.
    started: bool,
}

impl LineDecoder {
    /// Feed a chunk; `line` is called for every line it completes.
    pub fn feed(&mut self, mut chunk: &[u8], mut line: impl FnMut(String)) {
        if self.after_cr {
            self.after_cr = false;
            if let Some(rest) = chunk.strip_prefix(b"\n") {
                chunk = rest;
            }
        }
        while let Some(pos) = chunk.iter().position(|b| *b == b'\n' || *b == b'\r') {
            self.pending.extend_from_slice(&chunk[..pos]);
            line(self.take());
            let cr = chunk[pos] == b'\r';
            chunk = &chunk[pos + 1..];
            if cr {
                match chunk.first() {
                    Some(b'\n') => chunk = &chunk[1..],
                    Some(_) => {}
                    None => self.after_cr = true,
                }
            }
        }
        self.pending.extend_from_slice(chunk);
    }

    /// The stream ended: a last line without a terminator, if any.
    pub fn finish(&mut self) -> Option<String> {
        (!self.pending.is_empty()).then(|| self.take())
    }

    fn take(&mut self) -> String {
        let mut bytes = std::mem::take(&mut self.pending);
        if !self.started {
            self.started = true;
            if bytes.starts_with("\u{feff}".as_bytes()) {
                bytes.drain(..3);
            }
        }
        // A complete line is complete UTF-8 unless the sender wrote invalid
        // bytes; only then do replacement characters appear.
        String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

/// Bytes in, events out.
#[derive(Debug, Default)]
pub struct SseDecoder {
    lines: LineDecoder,
    data: String,
    has_data: bool,
    event: Option<String>,
    last_id: Option<String>,
}

impl SseDecoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feed a chunk of the stream; the events it completes, in order.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<SseEvent> {
        let mut lines = Vec::new();
        self.lines.feed(chunk, |l| lines.push(l));
        lines.into_iter().filter_map(|l| self.line(&l)).collect()
    }

    /// The stream ended. The grammar drops an event that was never
    /// terminated by a blank line; endpoints that close right after their
    /// last `data:` line are common enough that it is dispatched instead.
    pub fn finish(&mut self) -> Option<SseEvent> {
        let last = self.lines.finish().and_then(|l| self.line(&l));
        last.or_else(|| self.dispatch())
    }

    fn line(&mut self, line: &str) -> Option<SseEvent> {
        if line.is_empty() {
            return self.dispatch();
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line, ""),
        };
        match field {
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "event" => self.event = Some(value.to_string()),
            "id" if !value.contains('\0') => self.last_id = Some(value.to_string()),
            _ => {}
        }
        None
    }

    fn dispatch(&mut self) -> Option<SseEvent> {
        let event = self.event.take();
        if !std::mem::take(&mut self.has_data) {
            return None;
        }
        Some(SseEvent { event, data: std::mem::take(&mut self.data), id: self.last_id.clone() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STREAM: &str = "\u{feff}: a comment\r\n\
        data: {\"content\":\"안녕하세요 👋🏽 résumé\"}\r\n\r\n\
        event: usage\rdata: first\rdata:second\r\r\
        id: 7\ndata:  two spaces keep one\n\n\
        data: 한\r\n\r\n\
        data: [DONE]\n\n";

    fn expected() -> Vec<SseEvent> {
        vec![
            SseEvent { event: None, data: "{\"content\":\"안녕하세요 👋🏽 résumé\"}".into(), id: None },
            SseEvent { event: Some("usage".into()), data: "first\nsecond".into(), id: None },
            SseEvent { event: None, data: " two spaces keep one".into(), id: Some("7".into()) },
            SseEvent { event: None, data: "한".into(), id: Some("7".into()) },
            SseEvent { event: None, data: "[DONE]".into(), id: Some("7".into()) },
        ]
    }

    fn decode(chunks: &[&[u8]]) -> Vec<SseEvent> {
        let mut d = SseDecoder::new();
        let mut out: Vec<SseEvent> = chunks.iter().flat_map(|c| d.feed(c)).collect();
        out.extend(d.finish());
        out
    }

    #[test]
    fn the_whole_stream_at_once() {
        assert_eq!(decode(&[STREAM.as_bytes()]), expected());
    }

    #[test]
    fn every_single_split_point_gives_the_same_events() {
        let bytes = STREAM.as_bytes();
        for cut in 0..=bytes.len() {
            let (a, b) = bytes.split_at(cut);
            assert_eq!(decode(&[a, b]), expected(), "split at byte {cut}");
        }
    }

    #[test]
    fn one_byte_at_a_time_and_uneven_fragments() {
        let bytes = STREAM.as_bytes();
        let singles: Vec<&[u8]> = bytes.chunks(1).collect();
        assert_eq!(decode(&singles), expected());
        for size in 2..9 {
            let pieces: Vec<&[u8]> = bytes.chunks(size).collect();
            assert_eq!(decode(&pieces), expected(), "fragments of {size}");
        }
    }

    #[test]
    fn a_stream_closed_without_a_blank_line_still_delivers_its_last_event() {
        assert_eq!(decode(&[b"data: a\n\ndata: last"]).last().unwrap().data, "last");
        assert_eq!(decode(&[b"data: a\n\ndata: last\n"]).last().unwrap().data, "last");
    }

    #[test]
    fn invalid_bytes_are_replaced_without_losing_the_line() {
        let events = decode(&[b"data: ok\xff\n\n"]);
        assert_eq!(events[0].data, "ok\u{fffd}");
    }

    #[test]
    fn cr_at_the_end_of_a_chunk_then_lf_makes_one_terminator() {
        let events = decode(&[b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n"]);
        assert_eq!(events, vec![SseEvent { data: "a\nb".into(), ..Default::default() }]);
    }
}
