//! A reader for the plain front matter most pages have, without a YAML parser.
//!
//! Front matter is usually a few `key: value` lines, perhaps one nested
//! mapping (`offer:` with indented keys), quoted titles and a flow list of
//! tags. Reading that with the full YAML reader was a twentieth of a run over
//! many pages. [`read`] handles only that shape, and only values whose YAML
//! meaning is beyond doubt; for anything else (lists with `-`, comments after
//! a value, escapes, anchors, block scalars, a value YAML could read as
//! something other than a plain string or number) it answers `None` and the
//! caller uses the YAML reader. When it answers, the value is the one the
//! YAML reader gives (a unit test compares them on many generated inputs).

use serde_yaml::{Mapping, Number, Value};

/// The mapping `yaml` holds, when it is plain front matter; `None` when the
/// YAML reader must decide (including for every input it would refuse).
pub fn read(yaml: &str) -> Option<Value> {
    let mut lines = Vec::new();
    for line in yaml.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let content = line.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        // Tabs and other control characters have rules of their own.
        if line.bytes().any(|b| b < 0x20 || b == 0x7f) {
            return None;
        }
        lines.push((line.len() - content.len(), content));
    }
    if lines.is_empty() {
        return None;
    }
    let mut at = 0;
    let value = mapping(&lines, &mut at, lines[0].0)?;
    (at == lines.len()).then_some(value)
}

/// Reads the entries at indent `indent` from `lines[*at..]`.
fn mapping(lines: &[(usize, &str)], at: &mut usize, indent: usize) -> Option<Value> {
    let mut map = Mapping::new();
    while let Some(&(this, content)) = lines.get(*at) {
        if this < indent {
            break;
        }
        if this > indent {
            return None;
        }
        let (key, rest) = content.split_once(':')?;
        if !plain_key(key) || special(key) || map.contains_key(key) {
            return None;
        }
        *at += 1;
        let value = if rest.is_empty() {
            // A nested mapping, or a null: only the first is read here.
            let &(inner, _) = lines.get(*at).filter(|(i, _)| *i > indent)?;
            mapping(lines, at, inner)?
        } else {
            scalar_or_list(rest.strip_prefix(' ')?.trim_matches(' '))?
        };
        map.insert(Value::String(key.to_string()), value);
    }
    Some(Value::Mapping(map))
}

/// A key of letters, digits, `_`, `-` and `.`, starting with a letter.
fn plain_key(key: &str) -> bool {
    key.starts_with(|c: char| c.is_ascii_alphabetic())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

/// A quoted string, a flow list of plain words, or a plain scalar.
fn scalar_or_list(value: &str) -> Option<Value> {
    if let Some(inner) = value.strip_prefix('[') {
        let inner = inner.strip_suffix(']')?;
        if inner.trim().is_empty() {
            return Some(Value::Sequence(Vec::new()));
        }
        return inner
            .split(',')
            .map(|item| plain(item.trim_matches(' ')))
            .collect::<Option<Vec<Value>>>()
            .map(Value::Sequence);
    }
    for quote in ['"', '\''] {
        if let Some(inner) = value.strip_prefix(quote) {
            let inner = inner.strip_suffix(quote)?;
            // Escapes (`\` in double quotes, `''` in single) are the YAML reader's.
            if inner.contains(quote) || (quote == '"' && inner.contains('\\')) {
                return None;
            }
            return Some(Value::String(inner.to_string()));
        }
    }
    plain(value)
}

/// A plain (unquoted) scalar, when YAML reads it as a string or a plain
/// number beyond doubt.
fn plain(value: &str) -> Option<Value> {
    let bytes = value.as_bytes();
    let &first = bytes.first()?;
    // Indicators, and what could end the scalar or start a comment.
    if b"-?:,[]{}#&*!|>'\"%@`~+.".contains(&first)
        || value.contains(": ")
        || value.contains(" #")
        || value.ends_with(':')
        || value.contains(['[', ']', '{', '}', ','])
    {
        return None;
    }
    if first.is_ascii_digit() {
        return number_or_date(value);
    }
    if special(value) {
        return None;
    }
    Some(Value::String(value.to_string()))
}

/// The words YAML reads as booleans or null in any spelling of any of its
/// versions, and the special floats without their dot.
fn special(word: &str) -> bool {
    const SPECIAL: &[&str] = &[
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf",
    ];
    SPECIAL.iter().any(|w| word.eq_ignore_ascii_case(w))
}

/// `59` and `120.00` as numbers, `2026-10-31` as a string; `None` for any
/// other value that starts with a digit (octal, hex, exponents, times).
fn number_or_date(value: &str) -> Option<Value> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    // "059": octal in some YAML versions, a plain 59 in others.
    let leading_zero = |s: &str| s.len() > 1 && s.starts_with('0');
    if digits(value) {
        if leading_zero(value) {
            return None;
        }
        return value
            .parse::<u64>()
            .ok()
            .map(|n| Value::Number(Number::from(n)));
    }
    if let Some((whole, fraction)) = value.split_once('.')
        && digits(whole)
        && digits(fraction)
        && !leading_zero(whole)
        && value.len() <= 15
    {
        return value
            .parse::<f64>()
            .ok()
            .map(|n| Value::Number(Number::from(n)));
    }
    let date = value.len() == 10
        && value.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    date.then(|| Value::String(value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::read;
    use serde_yaml::Value;

    /// When the reader answers, it answers what the YAML reader does.
    fn agrees(yaml: &str) -> bool {
        match read(yaml) {
            None => false,
            Some(fast) => {
                let full: Value = serde_yaml::from_str(yaml)
                    .unwrap_or_else(|e| panic!("read {yaml:?}, which YAML refuses: {e}"));
                assert_eq!(fast, full, "for {yaml:?}");
                true
            }
        }
    }

    #[test]
    fn plain_front_matter_is_read() {
        let yaml = "title: \"Summit HR for small teams\"\ndate: 2025-01-19\nslug: summit-hr\n\
                    tags: [timeline, online stores]\nprice: 59\n\
                    offer:\n  regular_price: 120.00\n  ends: 2026-10-31\n  stock: 60\n\
                    note: It's 'fine' — really\n";
        assert!(agrees(yaml));
        assert!(agrees("  a:   spaced out  \n  b: 1\n"));
        let map = read(yaml).unwrap();
        assert_eq!(map["offer"]["stock"], Value::from(60u64));
        assert_eq!(map["offer"]["ends"], Value::from("2026-10-31"));
    }

    #[test]
    fn anything_unusual_goes_to_the_yaml_reader() {
        for yaml in [
            "a: yes\n",
            "a: True\n",
            "a: ~\n",
            "a: 0x1F\n",
            "a: 1e3\n",
            "a: 059\n",
            "a: -5\n",
            "a: .5\n",
            "a: 12:30\n",
            "a: b # note\n",
            "a: \"q\\\"\"\n",
            "a: 'it''s'\n",
            "a:\n  - x\n",
            "a:\n",
            "a: &x 1\nb: *x\n",
            "a: |\n  text\n",
            "a: 1\na: 2\n",
            "a: 1\n b: 2\n",
            "\"a\": 1\n",
            "a: [x, [y]]\n",
            "a:\tb\n",
            "a: b\n  c\n",
            "- a\n",
            "yes: 1\n",
        ] {
            assert!(read(yaml).is_none(), "{yaml:?}");
        }
    }

    /// Front matter built from tricky pieces: wherever the reader answers,
    /// the YAML reader must give the same value.
    #[test]
    fn agrees_with_the_yaml_reader_on_generated_front_matter() {
        const KEYS: &[&str] = &["title", "offer", "regular_price", "a.b", "x-y", "k_2", "Z"];
        const VALUES: &[&str] = &[
            "59",
            "0",
            "007",
            "120.00",
            "1.5e3",
            "99.",
            ".99",
            "2026-10-31",
            "2026-1-31",
            "12:30",
            "true",
            "False",
            "NULL",
            "Yes",
            "off",
            "nan",
            "inf",
            "plain words",
            "C#",
            "a #b",
            "a: b",
            "a:b",
            "it's",
            "\"quoted\"",
            "\"say \\\"hi\\\"\"",
            "'single'",
            "'it''s'",
            "[a, b]",
            "[1, two]",
            "[]",
            "[ ]",
            "[a, [b]]",
            "é",
            "ſ",
            "-x",
            "+1",
            "~",
            "*ref",
            "&anchor",
            "!tag",
            "|",
            ">",
            "%x",
            "@x",
            "`x`",
            "x,y",
            "18446744073709551616",
            "1234567890.123456789",
            "$29",
            "£9.99",
            "50% off",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut answered = 0;
        for _ in 0..4000 {
            let mut yaml = String::new();
            for _ in 0..1 + next(4) {
                let key = KEYS[next(KEYS.len())];
                if next(5) == 0 {
                    yaml.push_str(&format!("{key}:\n"));
                    for _ in 0..1 + next(3) {
                        let inner = KEYS[next(KEYS.len())];
                        let value = VALUES[next(VALUES.len())];
                        yaml.push_str(&format!("  {inner}: {value}\n"));
                    }
                } else {
                    let value = VALUES[next(VALUES.len())];
                    yaml.push_str(&format!("{key}: {value}\n"));
                }
            }
            if agrees(&yaml) {
                answered += 1;
            }
        }
        assert!(
            answered > 200,
            "the generator reaches the reader ({answered})"
        );
    }
}
