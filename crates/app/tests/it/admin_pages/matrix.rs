//! Who may open which admin page, as data: the access tests of every role ×
//! every page can include this file (`#[path = "admin_pages/matrix.rs"]`)
//! and walk the rows; `admin_pages.rs` walks them on both backends.

/// Shown.
pub const OK: u16 = 200;
/// A form posted empty: allowed, and refused for its content.
pub const INVALID: u16 = 422;
/// Refused for the role (or, not signed in, for the missing CSRF token).
pub const FORBIDDEN: u16 = 403;
/// Not signed in: GET goes to the login page.
pub const LOGIN: u16 = 303;

/// Who may open which admin page: (username, method, path, status). An
/// empty username is someone not signed in; POST rows send an empty form
/// with the session's CSRF token (multipart for `/admin/calendar` and
/// `/admin/catalog/excel`), which an allowed role gets back refused for its
/// content (422). Units, users and the calendar are the admin's; the
/// catalog pages also the supervisor's.
pub const ADMIN_PAGE_MATRIX: &[(&str, &str, &str, u16)] = &[
    ("admin", "GET", "/admin", OK),
    ("admin", "GET", "/admin/units", OK),
    ("admin", "POST", "/admin/units", INVALID),
    ("admin", "GET", "/admin/users", OK),
    ("admin", "POST", "/admin/users", INVALID),
    ("admin", "GET", "/admin/users/clerk", OK),
    ("admin", "POST", "/admin/users/clerk", INVALID),
    ("admin", "POST", "/admin/users/clerk/password", INVALID),
    ("admin", "GET", "/admin/calendar", OK),
    ("admin", "POST", "/admin/calendar", INVALID),
    ("admin", "GET", "/admin/catalog", OK),
    ("admin", "GET", "/admin/catalog/new", OK),
    ("admin", "POST", "/admin/catalog/new", INVALID),
    ("admin", "GET", "/admin/catalog/QX-SCJG-001", OK),
    ("admin", "POST", "/admin/catalog/QX-SCJG-001", INVALID),
    ("admin", "GET", "/admin/catalog/QX-SCJG-001/versions/1", OK),
    ("admin", "GET", "/admin/certificates", OK),
    ("admin", "POST", "/admin/certificates", INVALID),
    ("admin", "GET", "/admin/catalog/excel", OK),
    ("admin", "GET", "/admin/catalog/excel/export", OK),
    ("admin", "POST", "/admin/catalog/excel", INVALID),
    ("supervisor", "GET", "/admin", FORBIDDEN),
    ("supervisor", "GET", "/admin/units", FORBIDDEN),
    ("supervisor", "POST", "/admin/units", FORBIDDEN),
    ("supervisor", "GET", "/admin/users", FORBIDDEN),
    ("supervisor", "POST", "/admin/users", FORBIDDEN),
    ("supervisor", "GET", "/admin/users/clerk", FORBIDDEN),
    (
        "supervisor",
        "POST",
        "/admin/users/clerk/password",
        FORBIDDEN,
    ),
    (
        "supervisor",
        "POST",
        "/admin/users/clerk/disabled",
        FORBIDDEN,
    ),
    ("supervisor", "GET", "/admin/calendar", FORBIDDEN),
    ("supervisor", "POST", "/admin/calendar", FORBIDDEN),
    ("supervisor", "GET", "/admin/catalog", OK),
    ("supervisor", "GET", "/admin/catalog/new", OK),
    ("supervisor", "POST", "/admin/catalog/new", INVALID),
    ("supervisor", "GET", "/admin/catalog/QX-SCJG-001", OK),
    ("supervisor", "POST", "/admin/catalog/QX-SCJG-001", INVALID),
    (
        "supervisor",
        "GET",
        "/admin/catalog/QX-SCJG-001/versions/1",
        OK,
    ),
    ("supervisor", "GET", "/admin/certificates", OK),
    ("supervisor", "POST", "/admin/certificates", INVALID),
    ("supervisor", "GET", "/admin/catalog/excel", OK),
    ("supervisor", "GET", "/admin/catalog/excel/export", OK),
    ("supervisor", "POST", "/admin/catalog/excel", INVALID),
    ("clerk", "GET", "/admin", FORBIDDEN),
    ("clerk", "GET", "/admin/units", FORBIDDEN),
    ("clerk", "GET", "/admin/users", FORBIDDEN),
    ("clerk", "POST", "/admin/users", FORBIDDEN),
    ("clerk", "GET", "/admin/calendar", FORBIDDEN),
    ("clerk", "GET", "/admin/catalog", FORBIDDEN),
    ("clerk", "POST", "/admin/catalog/QX-SCJG-001", FORBIDDEN),
    ("clerk", "GET", "/admin/certificates", FORBIDDEN),
    ("clerk", "GET", "/admin/catalog/excel/export", FORBIDDEN),
    ("clerk", "POST", "/admin/catalog/excel", FORBIDDEN),
    ("approver.scjg", "GET", "/admin/catalog", FORBIDDEN),
    (
        "approver.scjg",
        "GET",
        "/admin/catalog/QX-SCJG-001",
        FORBIDDEN,
    ),
    (
        "approver.scjg",
        "POST",
        "/admin/catalog/QX-SCJG-001",
        FORBIDDEN,
    ),
    ("approver.scjg", "GET", "/admin/users", FORBIDDEN),
    ("head.scjg", "GET", "/admin/catalog", FORBIDDEN),
    ("head.scjg", "POST", "/admin/units", FORBIDDEN),
    ("hotline", "GET", "/admin/catalog", FORBIDDEN),
    ("hotline", "GET", "/admin/calendar", FORBIDDEN),
    ("inspector.scjg", "GET", "/admin/certificates", FORBIDDEN),
    ("inspector.scjg", "GET", "/admin/units", FORBIDDEN),
    ("zhangwei", "GET", "/admin", FORBIDDEN),
    ("zhangwei", "GET", "/admin/catalog", FORBIDDEN),
    ("zhangwei", "POST", "/admin/certificates", FORBIDDEN),
    ("zhangwei", "POST", "/admin/users", FORBIDDEN),
    ("zhangwei", "GET", "/admin/catalog/excel/export", FORBIDDEN),
    ("", "GET", "/admin", LOGIN),
    ("", "GET", "/admin/units", LOGIN),
    ("", "GET", "/admin/users", LOGIN),
    ("", "GET", "/admin/calendar", LOGIN),
    ("", "GET", "/admin/catalog", LOGIN),
    ("", "GET", "/admin/catalog/QX-SCJG-001", LOGIN),
    ("", "GET", "/admin/certificates", LOGIN),
    ("", "GET", "/admin/catalog/excel/export", LOGIN),
    ("", "POST", "/admin/units", FORBIDDEN),
    ("", "POST", "/admin/catalog/excel", FORBIDDEN),
];
