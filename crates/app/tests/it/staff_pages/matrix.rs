//! Who may open which staff page, as data: the access tests of every role ×
//! every page can include this file (`#[path = "staff_pages/matrix.rs"]`)
//! and walk the rows; `staff_pages.rs` walks them on both backends.

/// Who may open which staff page: (username, method, path, status). An empty
/// username is someone not signed in. `{case}` stands for a case of
/// 开办美容美发店 (QX-ZGB-106) accepted at the county hall (zgb), whose steps
/// belong to 市场监管局 (scjg) and 卫健局 (wjj); the access tests substitute
/// its id. Statuses: 200 shown, 303 sent to /login, 403 role refused, 404 out
/// of the user's scope (as for a case that does not exist).
pub const ROLE_PAGE_MATRIX: &[(&str, &str, &str, u16)] = &[
    // Window clerk pages.
    ("", "GET", "/window", 303),
    ("clerk", "GET", "/window", 200),
    ("clerk.guanli", "GET", "/window", 200),
    ("approver.scjg", "GET", "/window", 403),
    ("head.scjg", "GET", "/window", 403),
    ("supervisor", "GET", "/window", 403),
    ("zhangwei", "GET", "/window", 403),
    ("admin", "GET", "/window", 403),
    ("clerk", "GET", "/window/intake?matter=QX-ZGB-106", 200),
    (
        "approver.scjg",
        "GET",
        "/window/intake?matter=QX-ZGB-106",
        403,
    ),
    ("zhangwei", "GET", "/window/intake?matter=QX-ZGB-106", 403),
    ("", "GET", "/window/visits", 303),
    ("clerk", "GET", "/window/visits", 200),
    ("supervisor", "GET", "/window/visits", 403),
    ("approver.scjg", "GET", "/window/visits", 403),
    ("clerk", "GET", "/window/review", 200),
    ("approver.scjg", "GET", "/window/review", 403),
    ("clerk", "GET", "/window/receipt/{case}", 200),
    ("clerk.guanli", "GET", "/window/receipt/{case}", 404),
    ("approver.scjg", "GET", "/window/receipt/{case}", 403),
    // Back office.
    ("", "GET", "/inbox", 303),
    ("approver.scjg", "GET", "/inbox", 200),
    ("head.scjg", "GET", "/inbox", 200),
    ("approver.zjj", "GET", "/inbox", 200),
    ("clerk", "GET", "/inbox", 403),
    ("supervisor", "GET", "/inbox", 403),
    ("zhangwei", "GET", "/inbox", 403),
    ("hotline", "GET", "/inbox", 403),
    // Supervision.
    ("", "GET", "/supervise", 303),
    ("supervisor", "GET", "/supervise", 200),
    ("supervisor.zfb", "GET", "/supervise", 200),
    ("approver.scjg", "GET", "/supervise", 403),
    ("head.scjg", "GET", "/supervise", 403),
    ("clerk", "GET", "/supervise", 403),
    ("admin", "GET", "/supervise", 403),
    // The case page: within scope, or 404.
    ("", "GET", "/cases/{case}", 303),
    ("clerk", "GET", "/cases/{case}", 200),
    ("clerk.guanli", "GET", "/cases/{case}", 404),
    ("approver.scjg", "GET", "/cases/{case}", 200),
    ("approver.wjj", "GET", "/cases/{case}", 200),
    ("approver.zjj", "GET", "/cases/{case}", 404),
    ("head.zjj", "GET", "/cases/{case}", 404),
    ("inspector.scjg", "GET", "/cases/{case}", 200),
    ("supervisor", "GET", "/cases/{case}", 200),
    ("hotline", "GET", "/cases/{case}", 200),
    // An applicant follows a case on /mine/{id} (which answers 404 for
    // anyone else's), never on the staff page.
    ("zhangwei", "GET", "/cases/{case}", 303),
    ("clerk", "GET", "/cases/{case}/notice/acceptance", 200),
    (
        "approver.zjj",
        "GET",
        "/cases/{case}/notice/acceptance",
        404,
    ),
    ("zhangwei", "GET", "/cases/{case}/notice/acceptance", 404),
    ("clerk", "GET", "/cases/{case}/notice/one_time", 404),
    // 好差评 (the order and notice rows are in staff_pages/ratings.rs).
    ("approver.scjg", "GET", "/rectifications", 200),
    ("zhangwei", "GET", "/rectifications", 403),
    ("supervisor", "GET", "/supervise/evaluation", 200),
    ("approver.scjg", "GET", "/supervise/evaluation", 403),
    ("", "GET", "/rate/not-a-token", 404),
    // A state-changing request without a session (and so without its token).
    ("", "POST", "/cases/{case}/act", 403),
    ("", "POST", "/window/intake", 403),
    ("", "POST", "/hotline/new", 403),
    ("", "POST", "/hotline/1/act", 403),
    // 12345 hotline pages (one ticket's page by role: tests/hotline/pages.rs).
    ("", "GET", "/hotline", 303),
    ("hotline", "GET", "/hotline", 200),
    ("hotline", "GET", "/hotline/new", 200),
    ("approver.scjg", "GET", "/hotline", 200),
    ("head.scjg", "GET", "/hotline", 200),
    ("approver.scjg", "GET", "/hotline/new", 403),
    ("supervisor", "GET", "/hotline/figures", 200),
    ("clerk", "GET", "/hotline", 403),
    ("zhangwei", "GET", "/hotline", 403),
];
