//! Differences between two texts as runs of unchanged, added and removed
//! pieces: words for a rewritten bullet, lines for a version against the
//! current document. A longest-common-subsequence table over the pieces
//! (after the common head and tail are set aside), so its size is the
//! product of the two changed middles: bounded by [`MAX_CELLS`], beyond
//! which the middle is shown as removed-then-added whole.

use crate::resume::types::DiffPart;

/// The largest table built (pieces × pieces).
pub const MAX_CELLS: usize = 4_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Same,
    Add,
    Del,
}

impl Op {
    fn code(self) -> &'static str {
        match self {
            Op::Same => "same",
            Op::Add => "add",
            Op::Del => "del",
        }
    }
}

/// Words with the spaces after them, so that joining the pieces gives the
/// text back exactly.
pub fn words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_space = false;
    for (i, c) in text.char_indices() {
        let space = c.is_whitespace();
        if in_space && !space {
            out.push(&text[start..i]);
            start = i;
        }
        in_space = space;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Runs turning `a` into `b`; `sep` joins pieces inside one run ("" for
/// words that carry their spaces, "\n" for lines).
pub fn diff(a: &[&str], b: &[&str], sep: &str) -> Vec<DiffPart> {
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let tail = a[head..].iter().rev().zip(b[head..].iter().rev()).take_while(|(x, y)| x == y).count();
    let (am, bm) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let mut ops: Vec<(Op, &str)> = a[..head].iter().map(|s| (Op::Same, *s)).collect();
    if am.len().saturating_mul(bm.len()) > MAX_CELLS {
        ops.extend(am.iter().map(|s| (Op::Del, *s)));
        ops.extend(bm.iter().map(|s| (Op::Add, *s)));
    } else {
        ops.extend(middle(am, bm));
    }
    ops.extend(a[a.len() - tail..].iter().map(|s| (Op::Same, *s)));
    let mut out: Vec<DiffPart> = Vec::new();
    for (op, piece) in ops {
        match out.last_mut() {
            Some(last) if last.op == op.code() => {
                last.text.push_str(sep);
                last.text.push_str(piece);
            }
            _ => out.push(DiffPart { op: op.code().to_string(), text: piece.to_string() }),
        }
    }
    out
}

fn middle<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<(Op, &'a str)> {
    let (n, m) = (a.len(), b.len());
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[at(i, j)] =
                if a[i] == b[j] { lcs[at(i + 1, j + 1)] + 1 } else { lcs[at(i + 1, j)].max(lcs[at(i, j + 1)]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::with_capacity(n + m));
    while i < n && j < m {
        if a[i] == b[j] {
            out.push((Op::Same, a[i]));
            i += 1;
            j += 1;
        } else if lcs[at(i + 1, j)] >= lcs[at(i, j + 1)] {
            out.push((Op::Del, a[i]));
            i += 1;
        } else {
            out.push((Op::Add, b[j]));
            j += 1;
        }
    }
    out.extend(a[i..].iter().map(|s| (Op::Del, *s)));
    out.extend(b[j..].iter().map(|s| (Op::Add, *s)));
    out
}

/// Word by word.
pub fn words_diff(a: &str, b: &str) -> Vec<DiffPart> {
    diff(&words(a), &words(b), "")
}

/// Line by line.
pub fn lines_diff(a: &str, b: &str) -> Vec<DiffPart> {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    diff(&a, &b, "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(parts: &[DiffPart]) -> String {
        parts
            .iter()
            .map(|p| match p.op.as_str() {
                "add" => format!("[+{}]", p.text),
                "del" => format!("[-{}]", p.text),
                _ => p.text.clone(),
            })
            .collect()
    }

    #[test]
    fn a_changed_verb_is_one_removal_and_one_addition() {
        let d = words_diff("Worked on the transit API in Rust", "Built the transit API in Rust");
        assert_eq!(render(&d), "[-Worked on ][+Built ]the transit API in Rust");
    }

    #[test]
    fn joining_either_side_gives_its_text_back() {
        let (a, b) = ("리액트로 화면을  만들고 배포했습니다", "React로 화면을 만들고\t배포했습니다 빠르게");
        let d = words_diff(a, b);
        let old: String = d.iter().filter(|p| p.op != "add").map(|p| p.text.as_str()).collect();
        let new: String = d.iter().filter(|p| p.op != "del").map(|p| p.text.as_str()).collect();
        assert_eq!((old.as_str(), new.as_str()), (a, b));
    }

    #[test]
    fn lines_keep_their_order_and_identical_texts_have_no_changes() {
        let d = lines_diff("# A\n- one\n- two\n- three", "# A\n- one\n- 2\n- three\n- four");
        assert_eq!(render(&d), "# A\n- one[-- two][+- 2]- three[+- four]");
        assert!(lines_diff("x\ny", "x\ny").iter().all(|p| p.op == "same"));
        assert!(words_diff("", "").is_empty());
    }

    #[test]
    fn a_huge_middle_is_shown_whole_instead_of_building_a_huge_table() {
        let a: Vec<String> = (0..3000).map(|i| format!("a{i}")).collect();
        let b: Vec<String> = (0..3000).map(|i| format!("b{i}")).collect();
        let (a, b): (Vec<&str>, Vec<&str>) =
            (a.iter().map(String::as_str).collect(), b.iter().map(String::as_str).collect());
        let d = diff(&a, &b, "\n");
        assert_eq!(d.len(), 2);
        assert_eq!((d[0].op.as_str(), d[1].op.as_str()), ("del", "add"));
    }
}
