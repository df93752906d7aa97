//! Reads a form off a rendered page the way a browser would submit it
//! untouched: text inputs and hidden fields with their values, ticked
//! checkboxes, each select's selected option (else its first), textareas'
//! text; disabled fields, buttons and file inputs are left out.

/// The fields a browser would submit for the form whose `action` is given.
#[track_caller]
pub fn form_fields(html: &str, action: &str) -> Vec<(String, String)> {
    let start = html
        .find(&format!("action=\"{action}\""))
        .unwrap_or_else(|| panic!("no form to {action} on the page:\n{html}"));
    let end = start + html[start..].find("</form>").expect("the form ends");
    let mut form = &html[start..end];
    let mut fields = Vec::new();
    while let Some(at) = form.find('<') {
        form = &form[at..];
        let tag_end = form.find('>').expect("tag closes");
        let tag = &form[..=tag_end];
        if tag.starts_with("<input ") {
            input(tag, &mut fields);
        } else if tag.starts_with("<select ") {
            let close = form.find("</select>").expect("select closes");
            select(tag, &form[tag_end + 1..close], &mut fields);
        } else if tag.starts_with("<textarea ") {
            let close = form.find("</textarea>").expect("textarea closes");
            let text = &form[tag_end + 1..close];
            let text = text.strip_prefix('\n').unwrap_or(text);
            if let Some(name) = attr(tag, "name") {
                fields.push((name, unescape(text)));
            }
        }
        form = &form[1..];
    }
    fields
}

fn input(tag: &str, fields: &mut Vec<(String, String)>) {
    let Some(name) = attr(tag, "name") else {
        return;
    };
    if flag(tag, "disabled") {
        return;
    }
    let kind = attr(tag, "type").unwrap_or_else(|| "text".to_owned());
    match kind.as_str() {
        "checkbox" | "radio" => {
            if flag(tag, "checked") {
                fields.push((name, attr(tag, "value").unwrap_or_else(|| "on".to_owned())));
            }
        }
        "submit" | "button" | "file" | "reset" => {}
        _ => fields.push((name, attr(tag, "value").unwrap_or_default())),
    }
}

fn select(tag: &str, options: &str, fields: &mut Vec<(String, String)>) {
    let Some(name) = attr(tag, "name") else {
        return;
    };
    let all: Vec<&str> = options
        .split("<option")
        .skip(1)
        .map(|o| &o[..o.find('>').unwrap_or(o.len())])
        .collect();
    let chosen = all
        .iter()
        .find(|o| flag(o, "selected"))
        .or_else(|| all.first());
    if let Some(o) = chosen {
        fields.push((name, attr(o, "value").unwrap_or_default()));
    }
}

/// The value of `name="…"` in a tag.
fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let i = tag.find(&key)? + key.len();
    let end = tag[i..].find('"')?;
    Some(unescape(&tag[i..i + end]))
}

/// Whether a boolean attribute (`checked`, `selected`, `disabled`) is set.
fn flag(tag: &str, name: &str) -> bool {
    [" ", ">"]
        .iter()
        .any(|after| tag.contains(&format!(" {name}{after}")))
        || tag.ends_with(&format!(" {name}"))
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';').filter(|e| *e <= 8) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .map(|h| u32::from_str_radix(h, 16))
                .or_else(|| entity.strip_prefix('#').map(str::parse::<u32>))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Sets the first field `name` to `value` (adding it when absent).
pub fn set(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    match fields.iter_mut().find(|(k, _)| k == name) {
        Some(f) => f.1 = value.to_owned(),
        None => fields.push((name.to_owned(), value.to_owned())),
    }
}
