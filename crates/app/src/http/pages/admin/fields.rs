//! A posted form as name/value pairs. Repeated names and numbered rows
//! (`m0.name`, `m1.name`, …) are kept, which a struct extractor would lose.

/// The fields of a posted `application/x-www-form-urlencoded` body.
#[derive(Debug, Clone, Default)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// The fields as posted.
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        Self(pairs)
    }

    /// The first value of `name`, trimmed; empty when absent.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }

    /// Whether a checkbox `name` was ticked (sent at all).
    pub fn checked(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }

    /// The row numbers `i` of fields named `{prefix}{i}.…`, ascending, each once.
    pub fn rows(&self, prefix: &str) -> Vec<usize> {
        let mut rows: Vec<usize> = self
            .0
            .iter()
            .filter_map(|(k, _)| k.strip_prefix(prefix))
            .filter_map(|rest| rest.split_once('.'))
            .filter_map(|(n, _)| n.parse().ok())
            .collect();
        rows.sort_unstable();
        rows.dedup();
        rows
    }
}

/// What is wrong with a form, each message under the field it concerns
/// (`""` for the form as a whole), in Chinese.
#[derive(Debug, Clone, Default)]
pub struct Errors(Vec<(String, String)>);

impl Errors {
    /// Notes a problem with `field`.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push((field.into(), message.into()));
    }

    /// Whether nothing is wrong.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The messages for `field`, in the order found.
    pub fn of(&self, field: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Fields;

    #[test]
    fn rows_and_values() {
        let f = Fields::new(vec![
            ("m10.name".into(), " b ".into()),
            ("m2.name".into(), "a".into()),
            ("m2.core".into(), "on".into()),
            ("mx.name".into(), "ignored".into()),
            ("name".into(), "事项".into()),
        ]);
        assert_eq!(f.rows("m"), vec![2, 10]);
        assert_eq!(f.get("m10.name"), "b");
        assert!(f.checked("m2.core"));
        assert!(!f.checked("m10.core"));
        assert_eq!(f.get("missing"), "");
    }
}
