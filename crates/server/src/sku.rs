//! The one rule for a SKU, so every service answers a malformed one the
//! same way: INVALID_ARGUMENT naming the field, before any look-up.

use tonic::Status;

use crate::invalid_argument;

/// Longest SKU.
pub const MAX_SKU_LEN: usize = 64;

/// A SKU: 1 to 64 characters of A-Z a-z 0-9 - _ . starting with a letter or
/// digit.
pub fn sku(field: &str, value: &str) -> Result<String, Status> {
    if value.is_empty() {
        return Err(invalid_argument(field, "must not be empty"));
    }
    if value.len() > MAX_SKU_LEN {
        return Err(invalid_argument(
            field,
            format!("longer than {MAX_SKU_LEN} characters"),
        ));
    }
    let mut chars = value.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !(first_ok && rest_ok) {
        return Err(invalid_argument(
            field,
            format!(
                "{value:?} is not a valid SKU (letters, digits, '-', '_' and '.', starting with a letter or digit)"
            ),
        ));
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skus_are_letters_digits_and_three_marks() {
        for good in ["A", "bak-025", "X_1.2", &"9".repeat(MAX_SKU_LEN)] {
            assert_eq!(sku("sku", good).unwrap(), good);
        }
        for bad in [
            "",
            "a b",
            "-A",
            ".A",
            "A/B",
            "\u{0}",
            "é",
            &"9".repeat(MAX_SKU_LEN + 1),
        ] {
            let e = sku("skus[2]", bad).unwrap_err();
            assert_eq!(e.code(), tonic::Code::InvalidArgument, "{bad:?}");
            assert!(e.message().starts_with("skus[2]: "), "{e:?}");
        }
        let e = sku("sku", "\u{0}").unwrap_err();
        assert!(
            e.message().contains(r#""\0""#),
            "control characters are escaped: {e:?}"
        );
    }
}
