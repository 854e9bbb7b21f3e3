//! Request validation. Every check names the field it rejects, so clients
//! get a precise INVALID_ARGUMENT before anything reaches the store.

use icc_server::invalid_argument;
use tonic::Status;

/// Most units on one order line.
pub const MAX_LINE_QUANTITY: i64 = 1_000_000;
/// Most lines in one order.
pub const MAX_ORDER_LINES: usize = 100;
/// Largest stock a product may hold (keeps sums far from overflow).
pub const MAX_STOCK: i64 = 1_000_000_000;
/// Largest unit price in minor units.
pub const MAX_PRICE_MINOR: i64 = 1_000_000_000_000;

pub use icc_server::sku;

/// Required free text of 1 to `max` characters, trimmed.
/// One line: no control characters at all (a name or a category).
pub fn text(field: &str, value: &str, max: usize) -> Result<String, Status> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(invalid_argument(field, "must not be empty"));
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() || is_invisible_format(c))
    {
        return Err(invalid_argument(
            field,
            "must be one line of visible text (no control or formatting characters)",
        ));
    }
    optional_text(field, trimmed, max)
}

/// Zero-width and direction-changing characters, which make a name look
/// like another (a byte order mark, U+200B-U+200F, U+202A-U+202E,
/// U+2060-U+2064, U+2066-U+2069).
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{FEFF}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}')
}

/// Optional free text of at most `max` characters; line breaks and tabs
/// allowed (a note).
pub fn optional_text(field: &str, value: &str, max: usize) -> Result<String, Status> {
    if value.chars().count() > max {
        return Err(invalid_argument(
            field,
            format!("longer than {max} characters"),
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(invalid_argument(field, "contains control characters"));
    }
    Ok(value.to_owned())
}

/// An integer in `min..=max`.
pub fn range(field: &str, value: i64, min: i64, max: i64) -> Result<i64, Status> {
    if value < min || value > max {
        return Err(invalid_argument(
            field,
            format!("must be between {min} and {max}, got {value}"),
        ));
    }
    Ok(value)
}

/// A lead time in days, 0 (default) to 365.
pub fn lead_time_days(field: &str, value: i32) -> Result<i32, Status> {
    range(field, i64::from(value), 0, 365).map(|v| v as i32)
}

/// A service level: 0 (default) or inside (0, 1).
pub fn service_level(field: &str, value: f64) -> Result<f64, Status> {
    if value == 0.0 || (value > 0.0 && value < 1.0) {
        Ok(value)
    } else {
        Err(invalid_argument(
            field,
            format!("must be 0 (default) or between 0 and 1 exclusive, got {value}"),
        ))
    }
}

/// An idempotency key of at most 128 printable characters; `None` if empty
/// and not required.
pub fn idempotency_key(field: &str, value: &str, required: bool) -> Result<Option<String>, Status> {
    if value.is_empty() {
        return if required {
            Err(invalid_argument(field, "must not be empty"))
        } else {
            Ok(None)
        };
    }
    if value.len() > 128 || value.chars().any(|c| c.is_control()) {
        return Err(invalid_argument(
            field,
            "must be at most 128 printable characters",
        ));
    }
    Ok(Some(value.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skus() {
        for ok in ["A", "abc-1", "X_9.z", &"a".repeat(64)] {
            assert_eq!(sku("sku", ok).unwrap(), ok);
        }
        for bad in ["", "-a", ".a", "a b", "a/b", "é", &"a".repeat(65)] {
            let e = sku("product.sku", bad).unwrap_err();
            assert_eq!(e.code(), tonic::Code::InvalidArgument);
            assert!(e.message().starts_with("product.sku"), "{}", e.message());
        }
    }

    #[test]
    fn service_levels() {
        assert!(service_level("s", 0.0).is_ok());
        assert!(service_level("s", 0.95).is_ok());
        for bad in [1.0, -0.1, 1.5, f64::NAN] {
            assert!(service_level("s", bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn texts_and_keys() {
        assert_eq!(text("name", "  Pasta  ", 10).unwrap(), "Pasta");
        assert!(text("name", "   ", 10).is_err());
        assert!(text("name", "12345678901", 10).is_err());
        assert!(optional_text("note", "a\u{0}b", 10).is_err());
        assert_eq!(optional_text("note", "a\nb\tc", 10).unwrap(), "a\nb\tc");
        for one_line in ["a\nb", "a\tb", "a\u{200B}b", "\u{FEFF}Pasta", "a\u{202E}b"] {
            let e = text("name", one_line, 10).unwrap_err();
            assert!(
                e.message().contains("one line of visible text"),
                "{one_line:?}: {e:?}"
            );
        }
        assert_eq!(idempotency_key("k", "", false).unwrap(), None);
        assert!(idempotency_key("k", "", true).is_err());
        assert!(idempotency_key("k", &"x".repeat(129), false).is_err());
    }
}
