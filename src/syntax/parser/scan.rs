//! Scanning the raw text around pest: where the next item starts, where
//! the last token ends, how deeply parentheses nest.

/// How deeply parentheses may nest.
pub(super) const MAX_NESTING: usize = 64;

/// The first offset at or after `from` where parentheses nest more than
/// [`MAX_NESTING`] deep (outside strings and comments).
pub(super) fn too_deep(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The first line start at or after `after` whose line begins, at column 0,
/// with a top-level keyword or a fact (`name(`).
pub(super) fn resume_point(text: &str, after: usize) -> Option<usize> {
    // Start at the first line start at or after `after`; scanning from the
    // top of the file at every error would be quadratic in a large file.
    let after = after.min(text.len());
    let mut start = match text.get(..after) {
        Some(head) if after > 0 && !head.ends_with('\n') => {
            after + text.get(after..)?.find('\n')? + 1
        }
        Some(_) => after,
        None => return None,
    };
    for line in text.get(start..)?.split_inclusive('\n') {
        let here = start;
        start += line.len();
        let word_len = line
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(line.len());
        let word = &line[..word_len];
        let next = line[word_len..].chars().next();
        let is_keyword = ITEM_KEYWORDS.contains(&word) && next.is_none_or(|c| !c.is_alphanumeric());
        let is_fact = word.starts_with(|c: char| c.is_ascii_lowercase())
            && line[word_len..].trim_start().starts_with('(');
        if is_keyword || is_fact {
            return Some(here);
        }
    }
    None
}

/// The length of the blanks and (closed) comments at the start of `text`.
pub(super) fn blanks_len(text: &str) -> usize {
    let mut rest = text;
    loop {
        let trimmed = rest.trim_start();
        rest = if let Some(comment) = trimmed.strip_prefix("//") {
            comment.find('\n').map_or("", |i| &comment[i..])
        } else if let Some(comment) = trimmed.strip_prefix("/*") {
            match comment.find("*/") {
                Some(i) => &comment[i + 2..],
                None => return text.len() - trimmed.len(),
            }
        } else {
            return text.len() - trimmed.len();
        };
    }
}

/// Where the last token of `text` ends, skipping blanks and comments.
pub(super) fn last_token_end(text: &str) -> usize {
    tail(text).0
}

/// Where the last token of `text` ends, skipping blanks and comments, and
/// whether a block comment is still open at its end.
pub(super) fn tail(text: &str) -> (usize, bool) {
    let mut end = 0;
    let mut open = false;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '/' if chars.peek().is_some_and(|&(_, n)| n == '/') => {
                // A line comment: up to the end of the line.
                while chars.next_if(|&(_, n)| n != '\n').is_some() {}
            }
            '/' if chars.peek().is_some_and(|&(_, n)| n == '*') => {
                chars.next();
                let mut star = false;
                open = true;
                for (_, n) in chars.by_ref() {
                    if star && n == '/' {
                        open = false;
                        break;
                    }
                    star = n == '*';
                }
            }
            '"' => {
                // A string, so that `//` inside it is no comment.
                end = text.len();
                while let Some((j, n)) = chars.next() {
                    if n == '\\' {
                        chars.next();
                    } else if n == '"' {
                        end = j + 1;
                        break;
                    }
                }
            }
            c if c.is_whitespace() => {}
            c => end = i + c.len_utf8(),
        }
    }
    (end, open)
}

/// The keywords that start a top-level item.
pub(super) const ITEM_KEYWORDS: [&str; 8] = [
    "use", "scale", "pred", "source", "input", "rule", "conflict", "test",
];

pub(super) fn is_item_keyword(t: &str) -> bool {
    t.strip_prefix('`')
        .and_then(|t| t.strip_suffix('`'))
        .is_some_and(|t| ITEM_KEYWORDS.contains(&t))
}
