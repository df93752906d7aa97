//! `/api/docs`: the OpenAPI document as a plain server-rendered page (no
//! script, no CDN), so the API can be read on any machine in the hall.
//!
//! The page is built from markup constants and escaped text only: every
//! piece of text goes through [`Page::text`], even though it all comes from
//! our own document.

use axum::response::Html;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{Content, RefOr, Required};

use super::openapi::document;

/// The API documentation page.
#[utoipa::path(
    get, path = "/api/docs", tag = "system",
    responses((status = 200, description = "Every endpoint, its parameters and responses, as HTML", content_type = "text/html", body = String))
)]
pub async fn page() -> Html<String> {
    Html(render())
}

const HEAD: &str = r#"<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>onewindow 接口文档</title>
<style>
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;line-height:1.5}
section{border-top:1px solid #ccc;padding:.5rem 0}
h3 code{background:#eef;padding:0 .3rem}
table{border-collapse:collapse;width:100%;margin:.3rem 0}
td,th{border:1px solid #ddd;padding:.2rem .4rem;text-align:left;vertical-align:top}
</style></head><body>
"#;

/// Renders the whole page from the generated document.
pub fn render() -> String {
    let doc = document();
    let mut p = Page(String::with_capacity(32 * 1024));
    p.raw(HEAD);
    p.element("<h1>", &doc.info.title, "</h1>\n");
    if let Some(d) = &doc.info.description {
        p.element("<p>", d, "</p>\n");
    }
    p.raw("<h2>说明</h2>\n<ul>");
    p.raw(r#"<li>机器可读的 OpenAPI 文档：<a href="/api/openapi.json">/api/openapi.json</a></li>"#);
    p.raw("<li>认证：<code>Authorization: Bearer &lt;令牌&gt;</code>，令牌由 <code>onewindow token create 用户名</code> 生成。</li>");
    p.raw("<li>错误：<code>{\"error\": {\"code\": \"…\", \"message\": \"…\"}}</code>，code 为稳定的英文代码，message 为中文说明。</li>");
    p.raw("</ul>\n<h2>接口列表</h2>\n");
    for (path, item) in &doc.paths.paths {
        let ops = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ];
        for (method, op) in ops {
            if let Some(op) = op {
                operation(&mut p, method, path, op);
            }
        }
    }
    p.raw("</body></html>\n");
    p.0
}

fn operation(p: &mut Page, method: &str, path: &str, op: &Operation) {
    p.raw("<section>\n<h3><code>");
    p.text(method);
    p.raw("</code> <code>");
    p.text(path);
    p.raw("</code></h3>\n");
    if let Some(s) = &op.summary {
        p.element("<p><strong>", s, "</strong></p>\n");
    }
    if let Some(d) = op.description.as_ref().filter(|d| !d.trim().is_empty()) {
        p.element("<p>", d, "</p>\n");
    }
    let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
    p.element("<p>需要令牌：", if secured { "是" } else { "否" }, "</p>\n");
    let params = op.parameters.as_deref().unwrap_or_default();
    if !params.is_empty() {
        p.raw(
            "<h4>参数</h4>\n<table><tr><th>名称</th><th>位置</th><th>必填</th><th>说明</th></tr>\n",
        );
        for param in params {
            p.element("<tr><td><code>", &param.name, "</code></td>");
            p.element("<td>", location(&param.parameter_in), "</td>");
            p.element(
                "<td>",
                if matches!(param.required, Required::True) {
                    "是"
                } else {
                    "否"
                },
                "</td>",
            );
            p.element(
                "<td>",
                param.description.as_deref().unwrap_or(""),
                "</td></tr>\n",
            );
        }
        p.raw("</table>\n");
    }
    if let Some(body) = &op.request_body {
        p.raw("<h4>请求体</h4>\n<ul>");
        for (content_type, content) in &body.content {
            p.element("<li><code>", content_type, "</code>");
            p.element("：<code>", &schema_name(content), "</code></li>");
        }
        p.raw("</ul>\n");
    }
    p.raw("<h4>响应</h4>\n<table><tr><th>状态码</th><th>说明</th><th>内容</th></tr>\n");
    for (status, response) in &op.responses.responses {
        p.element("<tr><td>", status, "</td>");
        match response {
            RefOr::T(r) => {
                p.element("<td>", &r.description, "</td><td>");
                let contents: Vec<String> = r.content.values().map(schema_name).collect();
                p.text(&contents.join("、"));
                p.raw("</td></tr>\n");
            }
            RefOr::Ref(r) => p.element("<td>", &r.ref_location, "</td><td></td></tr>\n"),
        }
    }
    p.raw("</table>\n</section>\n");
}

/// The name of a body's schema: its component name, or its type.
fn schema_name(content: &Content) -> String {
    match &content.schema {
        Some(RefOr::Ref(r)) => r
            .ref_location
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned(),
        Some(RefOr::T(schema)) => serde_json::to_value(schema)
            .ok()
            .and_then(|v| {
                let items = v
                    .get("items")
                    .and_then(|i| i.get("$ref"))
                    .and_then(|r| r.as_str())
                    .map(|r| {
                        let name = r.rsplit('/').next().unwrap_or_default();
                        format!("{name} 数组")
                    });
                items.or_else(|| {
                    v.get("type")
                        .map(|t| t.to_string().trim_matches('"').to_owned())
                })
            })
            .unwrap_or_default(),
        None => String::new(),
    }
}

fn location(p: &ParameterIn) -> &'static str {
    match p {
        ParameterIn::Path => "路径",
        ParameterIn::Query => "查询",
        ParameterIn::Header => "请求头",
        ParameterIn::Cookie => "Cookie",
    }
}

/// An HTML page under construction: markup is only ever `&'static str`;
/// everything else is escaped on the way in.
struct Page(String);

impl Page {
    fn raw(&mut self, markup: &'static str) {
        self.0.push_str(markup);
    }

    fn text(&mut self, s: &str) {
        for c in s.chars() {
            match c {
                '&' => self.0.push_str("&amp;"),
                '<' => self.0.push_str("&lt;"),
                '>' => self.0.push_str("&gt;"),
                '"' => self.0.push_str("&quot;"),
                '\'' => self.0.push_str("&#39;"),
                c => self.0.push(c),
            }
        }
    }

    fn element(&mut self, open: &'static str, text: &str, close: &'static str) {
        self.raw(open);
        self.text(text);
        self.raw(close);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_is_escaped() {
        let mut p = super::Page(String::new());
        p.element("<p>", "<script>alert('x')</script> & \"q\"", "</p>");
        assert_eq!(
            p.0,
            "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;</p>"
        );
    }
}
