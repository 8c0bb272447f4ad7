//! uuencoded blocks inside text (`begin 644 name` ... `end`): cut out of the
//! text and decoded into (name, bytes). Malformed blocks stay as text.

/// Split `text` into the text without uuencoded blocks and the decoded files.
pub fn extract(text: &str) -> (String, Vec<(String, Vec<u8>)>) {
    if !text.contains("begin ") {
        return (text.to_owned(), Vec::new());
    }
    let mut out = String::with_capacity(text.len());
    let mut files = Vec::new();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut i = 0;
    while i < lines.len() {
        if let Some(name) = begin_line(lines[i])
            && let Some((data, next)) = decode_block(&lines[i + 1..])
        {
            files.push((name, data));
            out.push_str(&format!("[uuencoded attachment: {}]\n", files.len()));
            i += 1 + next;
            continue;
        }
        out.push_str(lines[i]);
        i += 1;
    }
    (out, files)
}

fn begin_line(line: &str) -> Option<String> {
    let rest = line.trim_end().strip_prefix("begin ")?;
    let (mode, name) = rest.split_once(' ')?;
    if mode.len() != 3
        || !mode.bytes().all(|b| (b'0'..=b'7').contains(&b))
        || name.trim().is_empty()
    {
        return None;
    }
    Some(name.trim().to_owned())
}

/// Decode lines up to `end`; returns the bytes and how many lines were used.
fn decode_block(lines: &[&str]) -> Option<(Vec<u8>, usize)> {
    let mut data = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        let l = line.trim_end_matches(['\r', '\n']);
        if l == "end" {
            return Some((data, n + 1));
        }
        let bytes = l.as_bytes();
        let &first = bytes.first()?;
        let len = (first.wrapping_sub(b' ') & 0x3f) as usize;
        let chars: Vec<u8> = bytes[1..]
            .iter()
            .map(|c| c.wrapping_sub(b' ') & 0x3f)
            .collect();
        if chars.len() < len.div_ceil(3) * 4 {
            if len == 0 {
                continue; // the "`" line before end
            }
            return None;
        }
        let mut line_out = Vec::with_capacity(len + 2);
        for q in chars.chunks(4) {
            if q.len() < 4 {
                break;
            }
            line_out.push(q[0] << 2 | q[1] >> 4);
            line_out.push(q[1] << 4 | q[2] >> 2);
            line_out.push(q[2] << 6 | q[3]);
        }
        line_out.truncate(len);
        data.extend_from_slice(&line_out);
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes_a_block() {
        // "Cat" uuencoded.
        let text = "see attached\nbegin 644 cat.txt\n#0V%T\n`\nend\nbye\n";
        let (rest, files) = super::extract(text);
        assert_eq!(files, vec![("cat.txt".to_owned(), b"Cat".to_vec())]);
        assert_eq!(rest, "see attached\n[uuencoded attachment: 1]\nbye\n");
    }

    #[test]
    fn malformed_stays_text() {
        let text = "begin 644 x\nnot uu at all!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n";
        let (rest, files) = super::extract(text);
        assert!(files.is_empty());
        assert_eq!(rest, text);
    }
}
