//! Calendar arithmetic in nanoseconds per call: `cargo bench -p domain --bench calendar`.
//! Every deadline, 预警 day and case clock onewindow shows goes through these.

use chrono::NaiveDate;
use divan::black_box;
use domain::calendar::{Calendar, Suspension};
use domain::catalog::WorkingDays;

fn main() {
    divan::main();
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// A working day, a weekend day and a holiday (National Day week).
#[divan::bench(args = [day(2026, 11, 20), day(2026, 11, 21), day(2026, 10, 2)])]
fn is_workday(bencher: divan::Bencher, d: NaiveDate) {
    let cal = Calendar::official();
    bencher.bench_local(|| cal.is_workday(black_box(d)));
}

/// 即办, a common limit, and one spanning the Spring Festival.
#[divan::bench(args = [0, 5, 20, 60])]
fn add_workdays(bencher: divan::Bencher, n: u32) {
    let cal = Calendar::official();
    bencher
        .bench_local(|| cal.add_workdays(black_box(day(2026, 1, 30)), black_box(WorkingDays(n))));
}

/// A week, a quarter and a whole year.
#[divan::bench(args = [7, 90, 365])]
fn count_workdays(bencher: divan::Bencher, span: u64) {
    let cal = Calendar::official();
    let from = day(2025, 3, 1);
    let to = from + chrono::Days::new(span);
    bencher.bench_local(|| cal.count_workdays(black_box(from), black_box(to)));
}

/// The case clock with 0, 1 and 3 suspensions (one still running).
#[divan::bench(args = [0, 1, 3])]
fn clock_with_suspensions(bencher: divan::Bencher, stops: usize) {
    let cal = Calendar::official();
    let all = [
        Suspension {
            from: day(2026, 3, 2),
            to: Some(day(2026, 3, 6)),
        },
        Suspension {
            from: day(2026, 4, 13),
            to: Some(day(2026, 4, 20)),
        },
        Suspension {
            from: day(2026, 11, 2),
            to: None,
        },
    ];
    let suspensions: Vec<Suspension> = all.iter().take(stops).copied().collect();
    bencher.bench_local(|| {
        cal.clock(
            black_box(day(2026, 2, 24)),
            black_box(day(2026, 11, 20)),
            black_box(&suspensions),
        )
    });
}
