//! One page of a list the page has already filtered, with the links to the
//! pages beside it.

/// One page of rows and where the neighbouring pages are.
#[derive(Debug, Clone)]
pub struct Paged<T> {
    /// This page's rows.
    pub rows: Vec<T>,
    /// How many rows there are in all.
    pub total: usize,
    /// The previous page's link, if there is one.
    pub prev: Option<String>,
    /// The next page's link, if there is one.
    pub next: Option<String>,
}

/// Page `page` (from 1; out of range is the nearest page) of `items`, `per`
/// to a page; `link` makes a page's address.
pub fn paged<T>(
    items: Vec<T>,
    page: Option<usize>,
    per: usize,
    link: impl Fn(usize) -> String,
) -> Paged<T> {
    let total = items.len();
    let pages = total.div_ceil(per).max(1);
    let page = page.unwrap_or(1).clamp(1, pages);
    Paged {
        rows: items.into_iter().skip((page - 1) * per).take(per).collect(),
        total,
        prev: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
    }
}

/// `path` with the non-empty `pairs` and `page` as its query string.
pub fn page_link(path: &str, pairs: &[(&str, &str)], page: usize) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        q.append_pair(k, v);
    }
    q.append_pair("page", &page.to_string());
    format!("{path}?{}", q.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_clamp_and_link_their_neighbours() {
        let link = |p: usize| page_link("/x", &[("a", "1"), ("b", "")], p);
        let p = paged((1..=120).collect::<Vec<_>>(), Some(2), 50, link);
        assert_eq!(
            (p.rows.first(), p.rows.len(), p.total),
            (Some(&51), 50, 120)
        );
        assert_eq!(p.prev.as_deref(), Some("/x?a=1&page=1"));
        assert_eq!(p.next.as_deref(), Some("/x?a=1&page=3"));
        let last = paged((1..=120).collect::<Vec<_>>(), Some(9), 50, link);
        assert_eq!((last.rows.len(), last.next), (20, None));
    }
}
