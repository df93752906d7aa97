//! A posted HTML form as name/value pairs: repeated names (a group of
//! checkboxes) are kept, which a struct extractor would lose.

/// The fields of a posted `application/x-www-form-urlencoded` body.
#[derive(Debug, Clone, Default)]
pub struct FormData(Vec<(String, String)>);

impl FormData {
    /// The fields as posted.
    pub fn new(fields: Vec<(String, String)>) -> Self {
        Self(fields)
    }

    /// The first value of `name`, trimmed; empty when absent.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }

    /// Every non-empty value of `name`, trimmed, in the order posted.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
            .collect()
    }

    /// Whether a checkbox `name` was ticked (sent at all).
    pub fn checked(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }

    /// The lines of a textarea `name`, each trimmed, empty ones dropped; a
    /// line may also hold several items separated by 、 or ；.
    pub fn lines(&self, name: &str) -> Vec<String> {
        self.get(name)
            .split(['\n', '、', '；', ';'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::FormData;

    #[test]
    fn repeated_fields_and_lines() {
        let f = FormData::new(vec![
            ("m".into(), " a ".into()),
            ("m".into(), "".into()),
            ("m".into(), "b".into()),
            ("t".into(), "x、y\n\n z ".into()),
        ]);
        assert_eq!(f.all("m"), vec!["a", "b"]);
        assert_eq!(f.get("m"), "a");
        assert_eq!(f.get("none"), "");
        assert!(f.checked("t") && !f.checked("none"));
        assert_eq!(f.lines("t"), vec!["x", "y", "z"]);
    }
}
