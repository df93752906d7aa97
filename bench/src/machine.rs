//! The machine a run measured: CPUs, memory, CPU model, the disk under the
//! temp dir, kernel, compiler and date, as the results must say.

use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

fn run(cmd: &str, args: &[&str]) -> String {
    Command::new(cmd)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

/// The machine's description.
pub fn describe(tmp: &Path) -> Value {
    let cpuinfo = read("/proc/cpuinfo");
    let field = |name: &str| {
        cpuinfo
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let meminfo = read("/proc/meminfo");
    let mem_total = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .map(|l| l.trim_start_matches("MemTotal:").trim().to_owned())
        .unwrap_or_default();
    let tmp_s = tmp.display().to_string();
    let df = run("df", &["-hT", &tmp_s]);
    let device = df
        .lines()
        .nth(1)
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or_default()
        .to_owned();
    let block = device.trim_start_matches("/dev/").to_owned();
    let rotational = read(&format!("/sys/block/{block}/queue/rotational"));
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    json!({
        "build": if cfg!(debug_assertions) { "debug" } else { "release" },
        "nproc": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "memory": mem_total,
        "cpu_model": field("model name"),
        "cpu_mhz": field("cpu MHz"),
        "disk": {
            "df": df,
            "device": device,
            "rotational": rotational.trim(),
            "mounts": run("findmnt", &["-no", "SOURCE,FSTYPE,OPTIONS", "-T", &tmp_s]),
        },
        "kernel": run("uname", &["-srvm"]),
        "rustc": run(&rustc, &["--version"]),
        "postgres": run("psql", &["--version"]),
        "python": run("python3", &["--version"]),
        "node": run("node", &["--version"]),
        "date": chrono::Utc::now().to_rfc3339(),
        "git": run("git", &["-C", env!("CARGO_MANIFEST_DIR"), "rev-parse", "--short", "HEAD"]),
        "load_average_at_start": read("/proc/loadavg").trim(),
    })
}
