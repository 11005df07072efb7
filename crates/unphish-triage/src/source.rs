//! Where messages come from: an mbox file (mboxo or mboxrd), a Maildir, a folder of .eml files,
//! one .eml file, or `-` (an mbox, or one message, on standard input).
//!
//! Everything streams: an mbox is read line by line with a bounded line and message size, so a
//! 20 GB mailbox costs the same memory as a small one, and a hostile file with no newline or no
//! separator cannot make us buffer it whole.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// A message larger than this is cut here (and marked): real mail with attachments fits, a
/// 4 GB "message" is an attack on the reader.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;
/// A single line longer than this is cut (base64 is 76 per line; HTML on one line can be long).
const MAX_LINE_BYTES: usize = 4 * 1024 * 1024;

/// One raw message and where it came from.
#[derive(Debug, Clone)]
pub struct RawMessage {
    /// `mailbox.mbox#17`, `Maildir/cur/1700000000.M1P2.host:2,S`, `folder/a.eml`, `-#3`.
    pub label: String,
    pub bytes: Vec<u8>,
    /// True when the message was longer than [`MAX_MESSAGE_BYTES`] and was cut.
    pub truncated: bool,
    /// Bytes of the source consumed since the previous message (for progress).
    pub read_bytes: u64,
}

/// A named input, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Stdin,
    Mbox(PathBuf),
    /// Files of a Maildir's `cur/` and `new/`, sorted by name (directory order is arbitrary).
    Maildir(PathBuf, Vec<PathBuf>),
    /// `.eml` files below a folder (or one file), sorted.
    Files(PathBuf, Vec<PathBuf>),
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
}

impl Source {
    /// Total bytes to read when known (not for standard input): the progress bar's length.
    pub fn total_bytes(&self) -> Option<u64> {
        let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        match self {
            Source::Stdin => None,
            Source::Mbox(p) => Some(size(p)),
            Source::Maildir(_, files) | Source::Files(_, files) => {
                Some(files.iter().map(|p| size(p)).sum())
            }
        }
    }
}

/// Resolves one SOURCE argument.
pub fn resolve(arg: &str) -> Result<Source, SourceError> {
    if arg == "-" {
        return Ok(Source::Stdin);
    }
    let p = Path::new(arg);
    let err = |e| SourceError::Io(arg.to_string(), e);
    let meta = std::fs::metadata(p).map_err(err)?;
    if meta.is_dir() {
        let cur = p.join("cur");
        let new = p.join("new");
        if cur.is_dir() || new.is_dir() {
            let mut files = Vec::new();
            for d in [cur, new] {
                if !d.is_dir() {
                    continue;
                }
                for e in std::fs::read_dir(&d).map_err(err)? {
                    let e = e.map_err(err)?;
                    // Maildir writers create in tmp/ and rename; dot files are not messages.
                    if e.file_type().map_err(err)?.is_file()
                        && !e.file_name().to_string_lossy().starts_with('.')
                    {
                        files.push(e.path());
                    }
                }
            }
            files.sort();
            return Ok(Source::Maildir(p.to_path_buf(), files));
        }
        let mut files = Vec::new();
        // An explicit stack: directory depth is input too.
        let mut stack = vec![p.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).map_err(err)? {
                let e = e.map_err(err)?;
                let path = e.path();
                let ft = e.file_type().map_err(err)?;
                if ft.is_dir() {
                    stack.push(path);
                } else if path
                    .extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("eml"))
                {
                    files.push(path);
                }
            }
        }
        files.sort();
        return Ok(Source::Files(p.to_path_buf(), files));
    }
    // An mbox starts with a From_ line; anything else is one message.
    let mut head = [0u8; 5];
    let n = std::fs::File::open(p)
        .and_then(|mut f| f.read(&mut head))
        .map_err(err)?;
    if head.get(..n) == Some(b"From ".as_slice()) {
        Ok(Source::Mbox(p.to_path_buf()))
    } else {
        Ok(Source::Files(p.to_path_buf(), vec![p.to_path_buf()]))
    }
}

/// Reads one line (up to and including `\n`) into `line`, keeping at most `MAX_LINE_BYTES` of it.
/// Returns the bytes consumed from the reader (0 at end of input).
fn read_line_capped<R: BufRead>(r: &mut R, line: &mut Vec<u8>) -> std::io::Result<usize> {
    line.clear();
    let mut consumed = 0usize;
    loop {
        let buf = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok(consumed);
        }
        let (take, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        let room = MAX_LINE_BYTES.saturating_sub(line.len());
        line.extend_from_slice(buf.get(..take.min(room)).unwrap_or(&[]));
        r.consume(take);
        consumed += take;
        if done {
            return Ok(consumed);
        }
    }
}

/// Is this a From_ separator? mboxrd requires a blank line before it; writers that forget the
/// blank line still write `From sender date`, so a line that looks like that counts too, while
/// "From there we…" in a body of an mboxo file that was never quoted does not.
fn is_separator(line: &[u8], prev_blank: bool, at_start: bool) -> bool {
    if !line.starts_with(b"From ") {
        return false;
    }
    if at_start || prev_blank {
        return true;
    }
    let text = String::from_utf8_lossy(line);
    let mut it = text.split_whitespace().skip(1);
    let sender = it.next().unwrap_or("");
    let rest: Vec<&str> = it.collect();
    // `From MAILER-DAEMON Fri Jul  8 12:08:34 2011`: a sender, a time, a four-digit year.
    !sender.is_empty()
        && rest
            .iter()
            .any(|t| t.len() == 8 && t.matches(':').count() == 2)
        && rest
            .iter()
            .any(|t| t.len() == 4 && t.chars().all(|c| c.is_ascii_digit()))
}

/// Streams the messages of an mbox. Un-quotes `>From ` (mboxrd: one `>` removed from any
/// `>…>From `; for mboxo this is the same for the single-`>` case, the only one mboxo writes).
pub struct MboxReader<R> {
    reader: R,
    name: String,
    line: Vec<u8>,
    pending: Option<Vec<u8>>,
    count: usize,
    consumed: u64,
    reported: u64,
    at_start: bool,
    done: bool,
}

impl<R: BufRead> MboxReader<R> {
    pub fn new(reader: R, name: impl Into<String>) -> MboxReader<R> {
        MboxReader {
            reader,
            name: name.into(),
            line: Vec::with_capacity(256),
            pending: None,
            count: 0,
            consumed: 0,
            reported: 0,
            at_start: true,
            done: false,
        }
    }

    fn emit(&mut self, mut bytes: Vec<u8>, truncated: bool) -> Option<RawMessage> {
        // The blank line before the next From_ belongs to the separator, not the message.
        if bytes.ends_with(b"\r\n\r\n") {
            bytes.truncate(bytes.len() - 2);
        } else if bytes.ends_with(b"\n\n") {
            bytes.truncate(bytes.len() - 1);
        }
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return None;
        }
        self.count += 1;
        let read_bytes = self.consumed - self.reported;
        self.reported = self.consumed;
        Some(RawMessage {
            label: format!("{}#{}", self.name, self.count),
            bytes,
            truncated,
            read_bytes,
        })
    }
}

impl<R: BufRead> Iterator for MboxReader<R> {
    type Item = Result<RawMessage, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        // Text before the first From_ is kept as a message: `-` may be a single .eml.
        let mut msg = self.pending.take().unwrap_or_default();
        let mut truncated = false;
        let mut prev_blank = false;
        loop {
            let n = match read_line_capped(&mut self.reader, &mut self.line) {
                Ok(n) => n,
                Err(e) => {
                    self.done = true;
                    return Some(Err(SourceError::Io(self.name.clone(), e)));
                }
            };
            self.consumed += n as u64;
            if n == 0 {
                self.done = true;
                return self.emit(msg, truncated).map(Ok);
            }
            let at_start = self.at_start;
            self.at_start = false;
            if is_separator(&self.line, prev_blank, at_start) {
                if at_start || msg.iter().all(|b| b.is_ascii_whitespace()) {
                    msg.clear();
                    prev_blank = false;
                    continue;
                }
                self.pending = Some(Vec::new());
                match self.emit(msg, truncated) {
                    Some(m) => return Some(Ok(m)),
                    None => {
                        msg = self.pending.take().unwrap_or_default();
                        truncated = false;
                        continue;
                    }
                }
            }
            prev_blank = self.line == b"\n" || self.line == b"\r\n";
            let content: &[u8] = {
                let gts = self.line.iter().take_while(|&&b| b == b'>').count();
                if gts > 0
                    && self
                        .line
                        .get(gts..)
                        .is_some_and(|rest| rest.starts_with(b"From "))
                {
                    self.line.get(1..).unwrap_or(&[])
                } else {
                    &self.line
                }
            };
            if msg.len() + content.len() > MAX_MESSAGE_BYTES {
                truncated = true;
            } else {
                msg.extend_from_slice(content);
            }
        }
    }
}

/// Every message of the sources, in order, one at a time.
pub fn messages(sources: Vec<Source>) -> impl Iterator<Item = Result<RawMessage, SourceError>> {
    sources.into_iter().flat_map(
        |s| -> Box<dyn Iterator<Item = Result<RawMessage, SourceError>>> {
            match s {
                Source::Stdin => Box::new(MboxReader::new(
                    BufReader::with_capacity(256 * 1024, std::io::stdin()),
                    "-",
                )),
                Source::Mbox(p) => match std::fs::File::open(&p) {
                    Ok(f) => Box::new(MboxReader::new(
                        BufReader::with_capacity(256 * 1024, f),
                        p.display().to_string(),
                    )),
                    Err(e) => Box::new(std::iter::once(Err(SourceError::Io(
                        p.display().to_string(),
                        e,
                    )))),
                },
                Source::Maildir(_, files) | Source::Files(_, files) => {
                    Box::new(files.into_iter().map(read_file))
                }
            }
        },
    )
}

fn read_file(p: PathBuf) -> Result<RawMessage, SourceError> {
    let label = p.display().to_string();
    let f = std::fs::File::open(&p).map_err(|e| SourceError::Io(label.clone(), e))?;
    let mut bytes = Vec::new();
    f.take(MAX_MESSAGE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| SourceError::Io(label.clone(), e))?;
    let truncated = bytes.len() > MAX_MESSAGE_BYTES;
    bytes.truncate(MAX_MESSAGE_BYTES);
    let read_bytes = bytes.len() as u64;
    Ok(RawMessage {
        label,
        bytes,
        truncated,
        read_bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> Vec<String> {
        MboxReader::new(s.as_bytes(), "t")
            .map(|m| String::from_utf8(m.unwrap().bytes).unwrap())
            .collect()
    }

    #[test]
    fn mboxrd_unquotes_and_splits() {
        let mbox = "From a@x Mon Jan  1 00:00:00 2024\nSubject: one\n\n>From here\n>>From there\nFrom the start of a line without blank\n\nFrom b@y Tue Jan  2 00:00:00 2024\nSubject: two\n\nbody\n";
        let m = read(mbox);
        assert_eq!(m.len(), 2, "{m:?}");
        assert_eq!(
            m[0],
            "Subject: one\n\nFrom here\n>From there\nFrom the start of a line without blank\n"
        );
        assert_eq!(m[1], "Subject: two\n\nbody\n");
    }

    #[test]
    fn separator_without_blank_line_needs_a_date() {
        let mbox = "From a Mon Jan  1 00:00:00 2024\nSubject: one\nFrom MAILER-DAEMON Fri Jul  8 12:08:34 2011\nSubject: two\n\nx\n";
        assert_eq!(read(mbox).len(), 2);
    }

    #[test]
    fn single_message_without_separator() {
        assert_eq!(read("Subject: hi\n\nbody\n"), vec!["Subject: hi\n\nbody\n"]);
        assert!(read("").is_empty());
        assert!(read("\n\n").is_empty());
    }

    #[test]
    fn crlf_mbox() {
        let m = read(
            "From a Mon Jan  1 00:00:00 2024\r\nSubject: one\r\n\r\nx\r\n\r\nFrom b Mon Jan  1 00:00:00 2024\r\nSubject: two\r\n\r\ny\r\n",
        );
        assert_eq!(
            m,
            vec!["Subject: one\r\n\r\nx\r\n", "Subject: two\r\n\r\ny\r\n"]
        );
    }
}
